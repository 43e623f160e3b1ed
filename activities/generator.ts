// SPEC §3 step 12 and §6: the Generator, distilled from the Teacher's targeted refinements
// by value-weighted SFT through the trainer contract, then handed to serving.
import path from 'node:path';
import { heartbeat } from '@temporalio/activity';
import { and, asc, desc, eq, lte } from 'drizzle-orm';
import {
  generatorDataRounds,
  type WriterFigures,
  type WrittenProblem,
  writerFigures,
  writerOf,
} from '../algorithm/generator';
import { contentId, runContentKey, uniform } from '../algorithm/random';
import type { Config } from '../config/schema';
import { taskSampling } from '../config/tasks';
import type { Database } from '../db/client';
import { models, problems, refinements } from '../db/schema';
import { labTrainerCommand } from '../lab/trainer';
import { generatePrompt, PROMPT_VERSIONS } from '../prompts';
import { REPLY_FORMATS } from '../prompts/replies';
import { writeFileAtomicSync } from '../system/files';
import { type ActivityDeps, runConfig } from './deps';
import { generatorExamples } from './generator-data';
import type { ChatRequest } from './llm/gateway';
import type { RoundRef } from './round-set';
import { requestSeed } from './sample';
import { ensureServed, servedNameFor } from './serving/ensure-served';
import { trainActivity } from './trainer';

export type ModelRow = typeof models.$inferSelect;

/** A round bound above every round (an int4 column). */
export const ALL_ROUNDS = 2 ** 31 - 1;

/** The latest Generator trained in a round up to `upToRound`, or null while the base model serves. */
export async function latestGenerator(
  db: Database,
  runId: string,
  upToRound: number,
): Promise<ModelRow | null> {
  const [model] = await db
    .select()
    .from(models)
    .where(and(eq(models.runId, runId), eq(models.role, 'generator'), lte(models.round, upToRound)))
    .orderBy(desc(models.round))
    .limit(1);
  return model ?? null;
}

/** The Generator model name to write with in `round` (trained in it or earlier), served. */
export async function generatorFor(deps: ActivityDeps, runId: string, round: number) {
  const config = await runConfig(deps.db, runId);
  const trained = await latestGenerator(deps.db, runId, round);
  const model = trained?.servedName ?? config.roles.generator.model;
  await ensureServed(deps, runId, 'generator', model);
  return model;
}

function writeJsonl(file: string, lines: unknown[]): string {
  writeFileAtomicSync(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  return file;
}

function modelDir(config: Config, runId: string, round: number): string {
  return path.join(
    config.trainer.generator.outputRoot ?? path.join(config.stateDir, 'models'),
    runId,
    `generator-r${round}`,
  );
}

export interface GeneratorOutcome {
  trained: boolean;
  model: string;
  examples: number;
  weightSum: number;
  steps: number;
}

/**
 * SPEC §3 step 12, run as its own activity (the trainer's lines are its heartbeats; a
 * retry resumes from the trainer's checkpoint in the same output directory). Starts from
 * the previous Generator's checkpoint.
 */
export async function trainGenerator(deps: ActivityDeps, ref: RoundRef): Promise<GeneratorOutcome> {
  const config = await runConfig(deps.db, ref.runId);
  const previous = await latestGenerator(deps.db, ref.runId, ref.round - 1);
  const current = previous?.servedName ?? config.roles.generator.model;
  const skip = { trained: false, model: current, examples: 0, weightSum: 0, steps: 0 };
  const [done] = await deps.db
    .select()
    .from(models)
    .where(eq(models.id, generatorModelId(ref.runId, ref.round)));
  if (done)
    return {
      trained: true,
      model: done.servedName,
      examples: done.examples ?? 0,
      weightSum: done.weightSum ?? 0,
      steps: done.steps ?? 0,
    };
  const rounds = generatorDataRounds(
    ref.round,
    config.generator.trainEvery,
    previous?.dataRounds?.[1] ?? 0,
  );
  if (!rounds) return skip;
  const examples = await generatorExamples(deps.db, ref.runId, rounds);
  const weightSum = examples.reduce((sum, e) => sum + e.weight, 0);
  if (examples.length === 0 || weightSum <= 0) return skip;

  const outputDir = modelDir(config, ref.runId, ref.round);
  const train = writeJsonl(
    path.join(config.stateDir, 'runs', ref.runId, `round-${ref.round}`, 'generator.train.jsonl'),
    examples.map(({ prompt, completion, weight }) => ({ prompt, completion, weight })),
  );
  heartbeat(); // the trainer's lines take over from here
  const settings = config.trainer.generator;
  const base =
    previous?.path ?? String(settings.hyperparameters.base_model ?? config.roles.generator.model);
  const result = await trainActivity({
    command: settings.command.length > 0 ? settings.command : labTrainerCommand(),
    manifest: {
      kind: 'wsft',
      runId: ref.runId,
      round: ref.round,
      role: 'generator',
      baseModel: base,
      dataset: { train },
      hyperparameters: settings.hyperparameters,
      outputDir,
      seed: config.seed + ref.round,
    },
  });
  const servedName = servedNameFor(
    config,
    'generator',
    `generator-${ref.runId.slice(0, 8)}-r${ref.round}`,
  );
  await deps.db
    .insert(models)
    .values({
      id: generatorModelId(ref.runId, ref.round),
      runId: ref.runId,
      role: 'generator',
      round: ref.round,
      servedName,
      path: result.model,
      parentName: current,
      parentModelId: previous?.id ?? null,
      steps: result.steps,
      metrics: result.metrics,
      dataRounds: rounds,
      examples: examples.length,
      weightSum,
    })
    .onConflictDoNothing();
  return {
    trained: true,
    model: servedName,
    examples: examples.length,
    weightSum,
    steps: result.steps,
  };
}

export const generatorModelId = (runId: string, round: number) =>
  contentId('model', runContentKey(runId), 'generator', round);

/** Hands a trained Generator to serving (SPEC §6), like the Solver. */
export function serveGenerator(deps: ActivityDeps, runId: string, model: string): Promise<void> {
  return ensureServed(deps, runId, 'generator', model);
}

/** Who writes one refinement of step 8, and with which model (loop.problemWriter). */
export async function writerFor(
  deps: ActivityDeps,
  config: Config,
  ref: RoundRef,
  sourceId: string,
  index: number,
  mode: 'targeted' | 'harder',
): Promise<{ author: 'teacher' | 'generator'; model: string }> {
  const draw = uniform(config.seed, 'writer', ref.round, sourceId, index);
  const author = writerOf(config.loop.problemWriter, config.loop.generatorShare, mode, draw);
  return author === 'teacher'
    ? { author, model: config.roles.teacher.model }
    : { author, model: await generatorFor(deps, ref.runId, ref.round) };
}

/** The Generator's request for one refinement: the prompt it is distilled on. */
export function generateRequest(
  config: Config,
  ref: RoundRef,
  job: {
    source: { id: string; text: string };
    attempt: { text: string };
    index: number;
    model: string;
  },
): ChatRequest {
  return {
    role: 'generator',
    model: job.model,
    promptVersion: PROMPT_VERSIONS.generate,
    messages: generatePrompt({ problem: job.source.text, failedAttempt: job.attempt.text }),
    // The Generator writes what the Teacher's refine task writes, at its temperature.
    ...taskSampling(config, 'refine'),
    responseFormat: REPLY_FORMATS.newProblem,
    seed: requestSeed(config.seed, 'generate', ref.round, job.source.id, job.index),
    runId: ref.runId,
    round: ref.round,
  };
}

/**
 * Per writer (the Teacher, each Generator version): validity and calibration of the problems
 * it wrote in rounds up to `upToRound` (SPEC §3 steps 8–11). Valid: admitted and never
 * dropped by self-verification; calibrated: measured success rate inside `band`.
 */
export async function writerReport(
  db: Database,
  runId: string,
  upToRound: number,
  band: [number, number],
): Promise<({ author: string; model: string } & WriterFigures)[]> {
  const rows = await db
    .select({
      author: refinements.author,
      model: refinements.writerModel,
      status: refinements.status,
      problemStatus: problems.status,
      measured: refinements.measuredSuccessRate,
    })
    .from(refinements)
    .leftJoin(
      problems,
      and(eq(problems.runId, refinements.runId), eq(problems.id, refinements.problemId)),
    )
    .where(and(eq(refinements.runId, runId), lte(refinements.round, upToRound)))
    .orderBy(asc(refinements.id));
  const groups = new Map<string, { author: string; model: string; problems: WrittenProblem[] }>();
  for (const r of rows) {
    // Rows from before writers were recorded were all the Teacher's.
    const model = r.model ?? r.author;
    const key = `${r.author}\u0000${model}`;
    if (!groups.has(key)) groups.set(key, { author: r.author, model, problems: [] });
    const valid = r.status === 'admitted' && r.problemStatus === 'active';
    groups.get(key)!.problems.push({ valid, measuredSuccessRate: valid ? r.measured : null });
  }
  return [...groups.values()]
    .sort((a, b) => (a.author + a.model < b.author + b.model ? -1 : 1))
    .map((g) => ({ author: g.author, model: g.model, ...writerFigures(g.problems, band) }));
}
