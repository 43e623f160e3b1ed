// The task queues a deployment splits its work over: the workflows' own queue, and one per
// resource (LLM calls, CPU and database work, training and serving), so that each host polls
// only what it has the hardware for and training never waits behind a sampling backlog.
import type { Config } from '../config/schema';
import type { TaskQueues } from '../workflows/round';

export const QUEUE_NAMES = ['workflow', 'llm', 'cpu', 'train'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Every queue's task-queue name: `temporal.taskQueues.*`, else `<taskQueue>-llm` and so on. */
export function taskQueuesOf(
  temporal: Pick<Config['temporal'], 'taskQueue' | 'taskQueues'>,
): TaskQueues & { workflow: string } {
  const named = temporal.taskQueues ?? {};
  const base = temporal.taskQueue;
  return {
    workflow: base,
    llm: named.llm ?? `${base}-llm`,
    cpu: named.cpu ?? `${base}-cpu`,
    train: named.train ?? `${base}-train`,
  };
}

/** The resource queues alone, as a round's or a refresh's settings carry them. */
export function resourceQueuesOf(temporal: Pick<Config['temporal'], 'taskQueue' | 'taskQueues'>) {
  const { llm, cpu, train } = taskQueuesOf(temporal);
  return { llm, cpu, train };
}
