// One co-evolution round, SPEC §3 step by step. Deterministic: every effect is an
// activity, every payload an id or a count.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { Activities, RoundSummary } from '../activities';
import { type ShardRef, shardRange } from '../algorithm/shards';
import { BUDGET_EXCEEDED } from '../contracts/failures';
import { controlSignal, Progress, progressQuery, type RunControl } from './progress';

export interface RoundSettings {
  /** Batches of one stage running at once. */
  parallelBatches: number;
  /** How soon a batch whose worker died is retried elsewhere. */
  heartbeatTimeoutSeconds: number;
  trainerHeartbeatTimeoutSeconds: number;
  trainerMaxAttempts: number;
  /** Stage 0 before round 1: SFT of the Solver on worked solutions (`warmStart.enabled`). */
  warmStart?: boolean;
  /**
   * Task queues per resource (`temporal.taskQueues`): LLM calls, CPU and database work,
   * training and serving. Unset (rounds started before there were queues): the round's own.
   */
  taskQueues?: TaskQueues;
}

export interface TaskQueues {
  llm: string;
  cpu: string;
  train: string;
}

export interface RoundInput {
  runId: string;
  round: number;
  settings: RoundSettings;
  /** The run's pause/stop state when it started this round (signals bring changes). */
  control?: RunControl;
}

/** Thrown at a stage boundary when the run is stopping; ends the round with null. */
class Stopped extends Error {}

/** A round's summary, or null when the run was stopped before the round's end. */
export async function roundWorkflow(input: RoundInput): Promise<RoundSummary | null> {
  const control: RunControl = { paused: false, stopping: false, ...input.control };
  setHandler(controlSignal, (update) => {
    Object.assign(control, update);
  });
  try {
    return await round(input, control);
  } catch (error) {
    if (error instanceof Stopped) return null;
    throw error;
  }
}

async function round({ runId, round, settings }: RoundInput, control: RunControl) {
  const ref = { runId, round };
  const progress = new Progress();
  setHandler(progressQuery, () => progress.stages);
  const batchOptions = {
    startToCloseTimeout: '2 hours',
    heartbeatTimeout: `${settings.heartbeatTimeoutSeconds} seconds`,
    retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 20 },
  } as const;
  // CPU and database work: bookkeeping, round set, pairs, admission.
  const work = proxyActivities<Activities>({
    ...batchOptions,
    taskQueue: settings.taskQueues?.cpu,
  });
  // Stages that wait on LLM endpoints (sampling, judging, writing, evaluation). A shard runs
  // as long as its share of the curriculum takes; the heartbeat timeout catches a dead worker.
  const llm = proxyActivities<Activities>({
    ...batchOptions,
    startToCloseTimeout: '7 days',
    taskQueue: settings.taskQueues?.llm,
  });
  // Serving handoff: on the training host, where the checkpoints are.
  const serving = proxyActivities<Activities>({
    ...batchOptions,
    taskQueue: settings.taskQueues?.train,
  });
  // Training: the GPU host's queue.
  const training = proxyActivities<Activities>({
    taskQueue: settings.taskQueues?.train,
    startToCloseTimeout: '7 days',
    heartbeatTimeout: `${settings.trainerHeartbeatTimeoutSeconds} seconds`,
    retry: {
      initialInterval: '5 seconds',
      maximumInterval: '5 minutes',
      maximumAttempts: settings.trainerMaxAttempts,
    },
  });

  /** A stage boundary: a pause holds here, a stop ends the round here. */
  async function boundary(): Promise<void> {
    if (control.paused && !control.stopping) {
      await work.setRunStatus({ runId, status: 'paused' });
      await condition(() => !control.paused || control.stopping);
      if (!control.stopping) await work.setRunStatus({ runId, status: 'running' });
    }
    if (control.stopping) throw new Stopped();
  }

  /**
   * Runs a batch. One stopped by a budget (BudgetExceeded, before any call was paid) pauses
   * the run with the budget's message; `socratic resume` (after raising the budget in the
   * config) runs the batch again, its paid calls served from the cache.
   */
  async function withinBudget<T>(run: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await run();
      } catch (error) {
        const budget =
          error instanceof ActivityFailure &&
          error.cause instanceof ApplicationFailure &&
          error.cause.type === BUDGET_EXCEEDED
            ? error.cause.message
            : undefined;
        if (budget === undefined) throw error;
        control.paused = true;
        await work.setRunStatus({ runId, status: 'paused', reason: budget });
        await condition(() => !control.paused || control.stopping);
        if (control.stopping) throw new Stopped();
        await work.setRunStatus({ runId, status: 'running' });
      }
    }
  }

  /**
   * Runs one recorded stage; `total` > 0 fans it out over that many activities, which
   * count `size(index)` units of progress each (one unless said).
   */
  async function stage<T>(
    name: string,
    total: number,
    run: (index: number) => Promise<T>,
    size: (index: number) => number = () => 1,
  ): Promise<T[]> {
    await boundary();
    const entry = progress.start(name, sumOf(total, size));
    const startedAt = Date.now();
    const results: T[] = new Array(total);
    let next = 0;
    const lane = async () => {
      for (let index = next++; index < total; index = next++) {
        results[index] = await withinBudget(() => run(index));
        entry.done += size(index);
      }
    };
    await Promise.all(Array.from({ length: Math.min(settings.parallelBatches, total) }, lane));
    entry.status = 'completed';
    entry.detail = sum(results);
    await work.recordStage({ ...ref, stage: name, startedAt, detail: entry.detail });
    return results;
  }
  const once = async <T>(name: string, run: () => Promise<T>): Promise<T> =>
    (await stage(name, 1, run))[0]!;

  // Rounds started after this patch run a stage's batches in at most parallelBatches long
  // activities (shards) that checkpoint through heartbeats, instead of one activity per
  // batch: the history no longer grows with the curriculum. Earlier rounds replay per batch.
  const shardedStages = patched('sharded-stages');
  /** A stage of `batches` batches: as shards (progress counted in batches), or batch by batch. */
  const batched = (
    name: string,
    batches: number,
    perShard: (shard: ShardRef) => Promise<object>,
    perBatch: (batch: number) => Promise<object>,
  ): Promise<object[]> => {
    if (!shardedStages) return stage(name, batches, perBatch);
    const shards = Math.min(settings.parallelBatches, batches);
    const batchesOf = (shard: number) => {
      const { start, end } = shardRange(batches, { shard, shards });
      return end - start;
    };
    return stage(name, shards, (shard) => perShard({ shard, shards }), batchesOf);
  };

  async function evaluate(evaluatedRound: number, model: string) {
    for (const { benchmark, batches } of await work.evaluationPlan({ runId })) {
      const name = `evaluate ${benchmark}${evaluatedRound === 0 ? ' (initial Solver)' : ''}`;
      const evaluation = { runId, round: evaluatedRound, benchmark, model };
      const parts = await batched(
        name,
        batches,
        (shard) => llm.evaluateShard({ ...evaluation, ...shard }),
        (batch) => llm.evaluateBatch({ ...evaluation, batch }),
      );
      const total = sum(parts);
      await work.recordEvaluation({
        runId,
        round: evaluatedRound,
        benchmark,
        model,
        problems: total.problems ?? 0,
        correct: total.correct ?? 0,
        undecided: total.undecided ?? 0,
        teacherCorrect: total.teacherCorrect ?? 0,
      });
    }
  }

  if (round === 1) await once('load seeds', () => work.loadSeeds({ runId }));
  // 0. Warm start: the Solver M_0 is SFT-trained on worked solutions, then served.
  if (round === 1 && settings.warmStart && patched('warm-start')) {
    await once('warm start', async () => {
      const outcome = await training.warmStartSolver({ runId });
      if (outcome.trained) await serving.serveSolver({ runId, model: outcome.model });
      return outcome;
    });
  }
  const { solverModel } = await work.beginRound(ref);
  if (round === 1) await evaluate(0, solverModel);

  // 1. Round set: new problems plus a seeded replay sample.
  const set = await once('round set', () => work.selectRoundSet(ref));
  // 2. Sample k attempts per problem.
  await batched(
    'sample',
    set.batches,
    (shard) => llm.sampleShard({ ...ref, ...shard, solverModel }),
    (batch) => llm.sampleBatch({ ...ref, batch, solverModel }),
  );
  // 3–4. Judge (rule + Teacher), success rates and zones.
  await batched(
    'judge',
    set.batches,
    (shard) => llm.judgeShard({ ...ref, ...shard }),
    (batch) => llm.judgeBatch({ ...ref, batch }),
  );
  // 11. Last round's new problems were just measured: their utility weights are known now.
  if (round > 1) await once('utility weights', () => work.fillUtilityWeights(ref));
  // 5. Self-verification of too-difficult problems.
  await batched(
    'self-verify',
    set.batches,
    (shard) => llm.selfVerifyShard({ ...ref, ...shard }),
    (batch) => llm.selfVerifyBatch({ ...ref, batch }),
  );
  // 6a. Worked reference solutions for the problems no attempt solved (the chosen side).
  if (patched('reference-solutions'))
    await batched(
      'reference solutions',
      set.batches,
      (shard) => llm.referenceSolutionsShard({ ...ref, ...shard }),
      (batch) => llm.referenceSolutionsBatch({ ...ref, batch }),
    );
  // 12. Train the Generator on the last rounds' weighted triples (weights and drops are known
  // now), so this round's refinements can be written by it.
  if (round > 1 && patched('train-generator'))
    await once('train generator', async () => {
      const outcome = await training.trainGenerator(ref);
      if (outcome.trained) await serving.serveGenerator({ runId, model: outcome.model });
      return outcome;
    });
  // 6. Preference pairs.
  await once('pairs', () => work.buildPairs(ref));
  // 7. Train the Solver (and hand it to serving) while 8. the Teacher refines: both only read this round's judgements.
  const [trained] = await Promise.all([
    once('train solver', async () => {
      const outcome = await training.trainSolver(ref);
      if (outcome.trained) await serving.serveSolver({ runId, model: outcome.model });
      return outcome;
    }),
    batched(
      'refine',
      set.batches,
      (shard) => llm.refineShard({ ...ref, ...shard }),
      (batch) => llm.refineBatch({ ...ref, batch }),
    ),
  ]);
  // 9–10. Admission checks; the curriculum grows by what is admitted.
  await once('admit', () => work.admitRefinements(ref));
  // 13. Evaluate M_{t+1}.
  await evaluate(round, trained.model);
  return work.finishRound({ ...ref, trainedModel: trained.trained ? trained.model : null });
}

/** The units of `total` activities that count `size(index)` each. */
function sumOf(total: number, size: (index: number) => number): number {
  let units = 0;
  for (let index = 0; index < total; index++) units += size(index);
  return units;
}

/** Adds up the numeric fields of stage results, for the stage record. */
function sum(results: unknown[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const r of results)
    if (r && typeof r === 'object')
      for (const [k, v] of Object.entries(r))
        if (typeof v === 'number') total[k] = (total[k] ?? 0) + v;
  return total;
}
