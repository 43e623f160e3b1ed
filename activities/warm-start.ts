// Stage 0 (optional, `warmStart.enabled`): LoRA SFT of the Solver on worked solutions before
// round 1, through the trainer contract (kind wsft, every weight 1), then the serving handoff.
// Recorded in the models table as round 0, so round 1 samples from it and a resumed run
// skips it.
import path from 'node:path';
import { heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { and, eq } from 'drizzle-orm';
import { contentId, runContentKey } from '../algorithm/random';
import { type Config, LAB } from '../config/schema';
import { loadProblemFile, ProblemFileError } from '../data/problem-file';
import { models } from '../db/schema';
import { labTrainerCommand } from '../lab/trainer';
import { solvePrompt } from '../prompts';
import { writeFileAtomicSync } from '../system/files';
import { extractBoxed } from '../verifier/index';
import { labSetPaths } from './benchmarks';
import { type ActivityDeps, runConfig } from './deps';
import type { TrainOutcome } from './train';
import { phaseTimeouts, trainActivity } from './trainer';

export const WARM_START_ROUND = 0;

/** One SFT example per problem with a worked solution: the Solver's own prompt, the solution as its reply. */
export async function warmStartExamples(config: Config): Promise<string[]> {
  const file =
    config.warmStart.dataset === LAB
      ? labSetPaths(config.stateDir).seeds
      : config.warmStart.dataset;
  const records = await loadProblemFile(file, { skipInvalidRecords: true });
  const lines: string[] = [];
  for (const r of records) {
    if (lines.length >= config.warmStart.maxProblems) break;
    const solution = r.solution?.trim();
    if (!solution) continue; // a bare answer teaches no reasoning
    const reply = extractBoxed(solution)
      ? solution
      : `${solution}\n\nThe answer is $\\boxed{${r.answer}}$.`;
    lines.push(
      JSON.stringify({
        prompt: solvePrompt(r.text),
        completion: [{ role: 'assistant', content: reply }],
        weight: 1,
      }),
    );
  }
  if (lines.length === 0)
    throw new ProblemFileError(
      file,
      undefined,
      undefined,
      'warmStart.dataset: no problem has a worked solution',
    );
  return lines;
}

export async function warmStartSolver(
  deps: ActivityDeps,
  { runId }: { runId: string },
): Promise<TrainOutcome> {
  const config = await runConfig(deps.db, runId);
  const [done] = await deps.db
    .select()
    .from(models)
    .where(
      and(eq(models.runId, runId), eq(models.role, 'solver'), eq(models.round, WARM_START_ROUND)),
    );
  if (done) return { trained: true, model: done.servedName, steps: done.steps ?? 0, pairs: 0 };
  if (!config.warmStart.enabled)
    return { trained: false, model: config.roles.solver.model, steps: 0, pairs: 0 };

  const dir = path.join(config.stateDir, 'runs', runId, 'round-0');
  let lines: string[];
  try {
    lines = await warmStartExamples(config);
  } catch (err) {
    if (!(err instanceof ProblemFileError)) throw err;
    throw ApplicationFailure.nonRetryable(err.message, 'WarmStartBadData'); // retrying cannot fix a file
  }
  const train = path.join(dir, 'warm-start.jsonl');
  writeFileAtomicSync(train, lines.map((l) => `${l}\n`).join(''));
  heartbeat(); // the trainer's own lines take over from here

  const settings = config.trainer.solver;
  const base = String(settings.hyperparameters.base_model ?? config.roles.solver.model);
  const result = await trainActivity({
    command: settings.command.length > 0 ? settings.command : labTrainerCommand(),
    manifest: {
      kind: 'wsft',
      runId,
      round: WARM_START_ROUND,
      role: 'solver',
      baseModel: base,
      dataset: { train },
      // Only the base model comes from the DPO settings: the rest are DPO's, not SFT's.
      hyperparameters: {
        ...config.warmStart.hyperparameters,
        ...(settings.hyperparameters.base_model === undefined
          ? {}
          : { base_model: settings.hyperparameters.base_model }),
      },
      outputDir: path.join(
        settings.outputRoot ?? path.join(config.stateDir, 'models'),
        runId,
        'solver-r0',
      ),
      seed: config.seed,
    },
    phaseTimeoutSeconds: phaseTimeouts(settings.phaseTimeoutSeconds),
  });
  const servedName = `solver-${runId.slice(0, 8)}-r0`;
  await deps.db
    .insert(models)
    .values({
      id: contentId('model', runContentKey(runId), 'solver', WARM_START_ROUND),
      runId,
      role: 'solver',
      round: WARM_START_ROUND,
      servedName,
      path: result.model,
      parentName: config.roles.solver.model,
      steps: result.steps,
      metrics: result.metrics,
    })
    .onConflictDoNothing();
  return { trained: true, model: servedName, steps: result.steps, pairs: 0 };
}
