// SPEC §3 step 7 and §6: Solver DPO through the trainer contract, then the serving
// handoff so the next round samples from M_{t+1}.
import path from 'node:path';
import { heartbeat } from '@temporalio/activity';
import { and, desc, eq, lt } from 'drizzle-orm';
import { contentId, runContentKey } from '../algorithm/random';
import type { Config } from '../config/schema';
import { withheldVariables } from '../config/secrets';
import { models } from '../db/schema';
import { labTrainerCommand } from '../lab/trainer';
import { type ActivityDeps, runConfig } from './deps';
import { exportPairs } from './pairs';
import type { RoundRef } from './round-set';
import { ensureServed, servedNameFor } from './serving/ensure-served';

export { servedNameFor };

import { phaseTimeouts, trainActivity } from './trainer';

function roundDir(config: Config, runId: string, round: number): string {
  return path.join(config.stateDir, 'runs', runId, `round-${round}`);
}

/** The latest Solver trained before `round`, or null while the base model serves. */
async function latestSolver(deps: ActivityDeps, runId: string, beforeRound: number) {
  const [model] = await deps.db
    .select()
    .from(models)
    .where(and(eq(models.runId, runId), eq(models.role, 'solver'), lt(models.round, beforeRound)))
    .orderBy(desc(models.round))
    .limit(1);
  return model ?? null;
}

/** The model name round `round` samples with (M_t). */
export async function solverFor(deps: ActivityDeps, runId: string, round: number): Promise<string> {
  const config = await runConfig(deps.db, runId);
  return (await latestSolver(deps, runId, round))?.servedName ?? config.roles.solver.model;
}

export interface TrainOutcome {
  trained: boolean;
  model: string;
  steps: number;
  pairs: number;
}

export async function trainSolver(deps: ActivityDeps, ref: RoundRef): Promise<TrainOutcome> {
  const config = await runConfig(deps.db, ref.runId);
  const previous = await latestSolver(deps, ref.runId, ref.round);
  const current = previous?.servedName ?? config.roles.solver.model;
  if (ref.round < config.loop.trainFromRound)
    return { trained: false, model: current, steps: 0, pairs: 0 };
  // Trained already (a retry, or a replay from a later stage): the recorded model stands.
  const [done] = await deps.db
    .select()
    .from(models)
    .where(
      and(eq(models.runId, ref.runId), eq(models.role, 'solver'), eq(models.round, ref.round)),
    );
  if (done) return { trained: true, model: done.servedName, steps: done.steps ?? 0, pairs: 0 };
  // Rounds left untrained accumulate: train on every pair since the last training.
  const dir = roundDir(config, ref.runId, ref.round);
  const dataset = await exportPairs(
    deps.db,
    ref.runId,
    { after: previous?.round ?? 0, upTo: ref.round },
    dir,
  );
  if (dataset.counts.train === 0) return { trained: false, model: current, steps: 0, pairs: 0 };

  heartbeat(); // exporting the pairs counted against the heartbeat timeout; the trainer's lines take over now
  const settings = config.trainer.solver;
  const base =
    previous?.path ?? String(settings.hyperparameters.base_model ?? config.roles.solver.model);
  const outputDir = path.join(
    settings.outputRoot ?? path.join(config.stateDir, 'models'),
    ref.runId,
    `solver-r${ref.round}`,
  );
  const result = await trainActivity({
    command: settings.command.length > 0 ? settings.command : labTrainerCommand(),
    withholdEnv: withheldVariables(config, settings.env),
    manifest: {
      kind: 'dpo',
      runId: ref.runId,
      round: ref.round,
      role: 'solver',
      baseModel: base,
      referenceModel: base,
      dataset: { train: dataset.train, validation: dataset.validation },
      hyperparameters: settings.hyperparameters,
      outputDir,
      seed: config.seed + ref.round,
    },
    phaseTimeoutSeconds: phaseTimeouts(settings.phaseTimeoutSeconds),
  });
  const servedName = servedNameFor(
    config,
    'solver',
    `solver-${ref.runId.slice(0, 8)}-r${ref.round}`,
  );
  await deps.db
    .insert(models)
    .values({
      id: contentId('model', runContentKey(ref.runId), 'solver', ref.round),
      runId: ref.runId,
      role: 'solver',
      round: ref.round,
      servedName,
      path: result.model,
      parentName: current,
      steps: result.steps,
      metrics: result.metrics,
    })
    .onConflictDoNothing();
  return {
    trained: true,
    model: servedName,
    steps: result.steps,
    pairs: dataset.counts.train + dataset.counts.validation,
  };
}

/** Makes sure the serving endpoint has this Solver (see ensureServed). */
export function ensureSolverServed(
  deps: ActivityDeps,
  runId: string,
  servedName: string,
): Promise<void> {
  return ensureServed(deps, runId, 'solver', servedName);
}
