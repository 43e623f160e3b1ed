// A round's progress as a watcher shows it: the round's own (a query: stages, and batches of
// finished shards) plus what its running shard activities have checkpointed in their
// heartbeats, which the workflow cannot see until a shard ends.
import { defaultPayloadConverter, type WorkflowHandle } from '@temporalio/client';
import type { ShardCheckpoint } from '../activities/shards';
import { progressQuery, type StageProgress } from '../workflows/progress';

/** The stage a shard activity works for, by its type: `evaluate…` stages share one. */
const SHARD_STAGES: Record<string, string> = {
  sampleShard: 'sample',
  judgeShard: 'judge',
  selfVerifyShard: 'self-verify',
  referenceSolutionsShard: 'reference solutions',
  refineShard: 'refine',
  evaluateShard: 'evaluate',
};

export async function roundProgress(round: WorkflowHandle): Promise<StageProgress[]> {
  const stages = await round.query(progressQuery);
  if (!stages.some((s) => s.status === 'running')) return stages;
  const pending = (await round.describe().catch(() => undefined))?.raw.pendingActivities ?? [];
  for (const activity of pending) {
    const stage = SHARD_STAGES[activity.activityType?.name ?? ''];
    const payload = activity.heartbeatDetails?.payloads?.[0];
    if (!stage || !payload) continue;
    const entry = stages.find((s) => s.status === 'running' && s.stage.startsWith(stage));
    if (!entry) continue;
    const checkpoint = defaultPayloadConverter.fromPayload<Partial<ShardCheckpoint>>(payload);
    const done = (checkpoint.doneInOrder ?? 0) + (checkpoint.doneAhead?.length ?? 0);
    if (Number.isInteger(done)) entry.done = Math.min(entry.total, entry.done + done);
  }
  return stages;
}
