// A stage's batches, run by a few long activities (shards) instead of one activity per
// batch, so a round's history stays the same size however large the curriculum (issue 11):
// each shard takes a contiguous range of the stage's batches, runs a few of them at once,
// and checkpoints through its heartbeat which batches are done, so a retry (a killed
// worker, a timed-out heartbeat) resumes where the last attempt stopped.
import { Context } from '@temporalio/activity';
import { lanesFor, type ShardRef, shardRange } from '../algorithm/shards';
import type { RoleName } from '../config/schema';
import { type ActivityDeps, runConfig } from './deps';
import { checkpoint } from './heartbeat';
import { batchCount, batchSlice, type RoundRef, roundProblemIds } from './round-set';

export type Counts = Record<string, number>;

/** What a shard has done, as its heartbeat carries it. */
export interface ShardCheckpoint {
  /** Batches of the range done in order: the next to run is `range.start + doneInOrder`. */
  doneInOrder: number;
  /** Batches done past that point (batches finish out of order). */
  doneAhead: number[];
  /** The counts of every batch done, added up. */
  totals: Counts;
}

/**
 * Runs batches `range` (`lanes` at a time) through `runBatch`, resuming from `resumed`,
 * and reports a checkpoint after each; returns the counts of all of them added up.
 */
export async function runBatches(
  range: { start: number; end: number },
  lanes: number,
  runBatch: (batch: number) => Promise<object>,
  options: { resumed?: ShardCheckpoint; report?: (state: ShardCheckpoint) => void } = {},
): Promise<Counts> {
  const state: ShardCheckpoint = structuredClone(
    options.resumed ?? { doneInOrder: 0, doneAhead: [], totals: {} },
  );
  const ahead = new Set(state.doneAhead);
  let next = range.start + state.doneInOrder;
  const lane = async () => {
    for (;;) {
      while (ahead.has(next)) next++;
      if (next >= range.end) return;
      const batch = next++;
      const counts = await runBatch(batch);
      for (const [name, value] of Object.entries(counts))
        if (typeof value === 'number') state.totals[name] = (state.totals[name] ?? 0) + value;
      ahead.add(batch);
      while (ahead.delete(range.start + state.doneInOrder)) state.doneInOrder++;
      state.doneAhead = [...ahead];
      options.report?.(structuredClone(state));
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return state.totals;
}

/** The last attempt's checkpoint, when this is a retry that can resume from one. */
function resumedCheckpoint(): ShardCheckpoint | undefined {
  const details = Context.current().info.heartbeatDetails as Partial<ShardCheckpoint> | undefined;
  if (
    details &&
    Number.isInteger(details.doneInOrder) &&
    Array.isArray(details.doneAhead) &&
    details.totals &&
    typeof details.totals === 'object'
  )
    return details as ShardCheckpoint;
  return undefined;
}

/**
 * One shard of a round stage: reads the round's problem ids once and hands each batch its
 * slice of them. `role` is the LLM role whose concurrency the stage waits on.
 */
export async function roundShard(
  deps: ActivityDeps,
  ref: RoundRef & ShardRef,
  role: RoleName,
  runBatch: (batch: { batch: number; problemIds: string[] }) => Promise<object>,
): Promise<Counts> {
  const config = await runConfig(deps.db, ref.runId);
  const { batchSize } = config.loop;
  const ids = await roundProblemIds(deps.db, ref);
  return shard(
    batchCount(ids.length, batchSize),
    ref,
    lanesFor(config.roles[role].concurrency, batchSize),
    (batch) => runBatch({ batch, problemIds: batchSlice(ids, batch, batchSize) }),
  );
}

/** Runs this activity's shard of `batches`, checkpointing through its heartbeat. */
export function shard(
  batches: number,
  ref: ShardRef,
  lanes: number,
  runBatch: (batch: number) => Promise<object>,
): Promise<Counts> {
  return runBatches(shardRange(batches, ref), lanes, runBatch, {
    resumed: resumedCheckpoint(),
    report: checkpoint,
  });
}
