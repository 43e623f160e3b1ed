// How a stage's batches are split over a few long activities (shards), for the round
// workflow and the shard activities alike (activities/shards.ts).

export interface ShardRef {
  /** Which of `shards` contiguous ranges of the stage's batches this activity runs. */
  shard: number;
  shards: number;
}

/** The contiguous range of batches that shard `shard` of `shards` runs. */
export function shardRange(batches: number, { shard, shards }: ShardRef) {
  if (!Number.isInteger(shard) || !Number.isInteger(shards) || shard < 0 || shard >= shards)
    throw new RangeError(`shard ${shard} of ${shards} is not a shard`);
  return {
    start: Math.floor((shard * batches) / shards),
    end: Math.floor(((shard + 1) * batches) / shards),
  };
}

/** Batches run at once per shard: enough to keep the role's concurrency busy past a batch's slowest call. */
export function lanesFor(concurrency: number, batchSize: number): number {
  return Math.max(1, Math.ceil(concurrency / batchSize));
}
