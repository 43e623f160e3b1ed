// Heartbeats of the activities that are not training (training's come from the trainer).
import { Context } from '@temporalio/activity';
import { databaseFailure } from '../db/failure';

/** The details each running activity last checkpointed, so a periodic heartbeat keeps them. */
const checkpoints = new WeakMap<Context, unknown>();

/** Records `details` as the activity's checkpoint: a retry reads it from `info.heartbeatDetails`. */
export function checkpoint(details: unknown): void {
  const context = Context.current();
  checkpoints.set(context, details);
  context.heartbeat(details);
}

/**
 * Heartbeats every few seconds while `work` runs (repeating the last checkpoint, since a
 * heartbeat replaces the details the server holds), so the server notices a dead worker
 * within the heartbeat timeout instead of the start-to-close timeout.
 */
export async function alive<T>(work: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const timer = setInterval(() => context.heartbeat(checkpoints.get(context)), 2000);
  try {
    return await work();
  } catch (error) {
    // Cancelled (asked to, or its heartbeat timed out and another attempt took over): its
    // LLM calls were aborted through the same signal; report the cancellation itself.
    if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason;
    throw databaseFailure(error) ?? error;
  } finally {
    clearInterval(timer);
  }
}
