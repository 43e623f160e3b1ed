// The activities a worker registers: thin adapters from Temporal to the stage
// functions beside this file.
import { lanesFor, type ShardRef } from '../algorithm/shards';
import { admitRefinements } from './admit';
import { type ActivityDeps, runConfig } from './deps';
import {
  benchmarkProblems,
  type EvaluationRef,
  evaluateBatch,
  evaluationPlan,
  recordEvaluation,
} from './evaluate';
import { serveGenerator, trainGenerator } from './generator';
import { alive } from './heartbeat';
import { judgeBatch } from './judge';
import { buildPairs } from './pairs';
import { referenceSolutionsBatch } from './reference-solutions';
import { refineBatch } from './refine';
import {
  beginRefresh,
  finishRefresh,
  type RefreshRef,
  type RefreshRequest,
  refreshAdmit,
  refreshProbeBatch,
  refreshWriteBatch,
} from './refresh';
import { type BatchRef, batchCount, type RoundRef, selectRoundSet } from './round-set';
import {
  beginRound,
  fillUtilityWeights,
  finishRound,
  finishRun,
  recordStage,
  setRunStatus,
} from './rounds';
import { sampleBatch } from './sample';
import { loadSeeds } from './seeds';
import { selfVerifyBatch } from './self-verify';
import { roundShard, shard } from './shards';
import { ensureSolverServed, trainSolver } from './train';
import { warmStartSolver } from './warm-start';

export type { ActivityDeps } from './deps';
export type { RoundSummary } from './rounds';

function stages(deps: ActivityDeps) {
  return {
    loadSeeds: ({ runId }: { runId: string }) => loadSeeds(deps, runId),
    beginRound: (ref: RoundRef) => beginRound(deps, ref),
    async selectRoundSet(ref: RoundRef) {
      const config = await runConfig(deps.db, ref.runId);
      const set = await selectRoundSet(deps.db, ref, {
        seed: config.seed,
        replayRatio: config.loop.replayRatio,
      });
      return { ...set, batches: batchCount(set.fresh + set.replay, config.loop.batchSize) };
    },
    async sampleBatch(ref: BatchRef & { solverModel: string }) {
      await ensureSolverServed(deps, ref.runId, ref.solverModel);
      return sampleBatch(deps, ref);
    },
    judgeBatch: (ref: BatchRef) => judgeBatch(deps, ref),
    fillUtilityWeights: (ref: RoundRef) => fillUtilityWeights(deps, ref),
    selfVerifyBatch: (ref: BatchRef) => selfVerifyBatch(deps, ref),
    referenceSolutionsBatch: (ref: BatchRef) => referenceSolutionsBatch(deps, ref),
    buildPairs: (ref: RoundRef) => buildPairs(deps, ref),
    trainSolver: (ref: RoundRef) => trainSolver(deps, ref),
    warmStartSolver: (input: { runId: string }) => warmStartSolver(deps, input),
    serveSolver: ({ runId, model }: { runId: string; model: string }) =>
      ensureSolverServed(deps, runId, model),
    trainGenerator: (ref: RoundRef) => trainGenerator(deps, ref),
    serveGenerator: ({ runId, model }: { runId: string; model: string }) =>
      serveGenerator(deps, runId, model),
    refineBatch: (ref: BatchRef) => refineBatch(deps, ref),
    admitRefinements: (ref: RoundRef) => admitRefinements(deps, ref),
    evaluationPlan: ({ runId }: { runId: string }) => evaluationPlan(deps, runId),
    async evaluateBatch(ref: EvaluationRef & { batch: number }) {
      await ensureSolverServed(deps, ref.runId, ref.model);
      return evaluateBatch(deps, ref);
    },
    recordEvaluation: (ref: Parameters<typeof recordEvaluation>[1]) => recordEvaluation(deps, ref),
    // A stage's batches in a few long activities (shards), resumable from their heartbeats.
    async sampleShard(ref: RoundRef & ShardRef & { solverModel: string }) {
      await ensureSolverServed(deps, ref.runId, ref.solverModel);
      return roundShard(deps, ref, 'solver', (batch) => sampleBatch(deps, { ...ref, ...batch }));
    },
    judgeShard: (ref: RoundRef & ShardRef) =>
      roundShard(deps, ref, 'teacher', (batch) => judgeBatch(deps, { ...ref, ...batch })),
    selfVerifyShard: (ref: RoundRef & ShardRef) =>
      roundShard(deps, ref, 'teacher', (batch) => selfVerifyBatch(deps, { ...ref, ...batch })),
    referenceSolutionsShard: (ref: RoundRef & ShardRef) =>
      roundShard(deps, ref, 'teacher', (batch) =>
        referenceSolutionsBatch(deps, { ...ref, ...batch }),
      ),
    refineShard: (ref: RoundRef & ShardRef) =>
      roundShard(deps, ref, 'teacher', (batch) => refineBatch(deps, { ...ref, ...batch })),
    async evaluateShard(ref: EvaluationRef & ShardRef) {
      await ensureSolverServed(deps, ref.runId, ref.model);
      const config = await runConfig(deps.db, ref.runId);
      const { batchSize } = config.loop;
      return shard(
        batchCount((await benchmarkProblems(config, ref.benchmark)).length, batchSize),
        ref,
        lanesFor(config.roles.solver.concurrency, batchSize),
        (batch) => evaluateBatch(deps, { ...ref, batch }),
      );
    },
    recordStage: (input: Parameters<typeof recordStage>[1]) => recordStage(deps, input),
    finishRound: (ref: RoundRef & { trainedModel: string | null }) => finishRound(deps, ref),
    finishRun: (input: Parameters<typeof finishRun>[1]) => finishRun(deps, input),
    setRunStatus: (input: Parameters<typeof setRunStatus>[1]) => setRunStatus(deps, input),
    beginRefresh: (request: RefreshRequest) => beginRefresh(deps, request),
    refreshWriteBatch: (ref: RefreshRef & { batch: number }) => refreshWriteBatch(deps, ref),
    refreshAdmit: (ref: RefreshRef) => refreshAdmit(deps, ref),
    refreshProbeBatch: (ref: RefreshRef & { batch: number }) => refreshProbeBatch(deps, ref),
    finishRefresh: (ref: RefreshRef) => finishRefresh(deps, ref),
  };
}

export type Activities = ReturnType<typeof stages>;

/** Activities whose heartbeats come from the trainer itself (see `alive`). */
const TRAINING = new Set(['trainSolver', 'warmStartSolver', 'trainGenerator']);

export function createActivities(deps: ActivityDeps): Activities {
  const activities: Record<string, (input: never) => Promise<unknown>> = stages(deps);
  for (const [name, run] of Object.entries(activities))
    if (!TRAINING.has(name)) activities[name] = (input: never) => alive(() => run(input));
  return activities as Activities;
}
