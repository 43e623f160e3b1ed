// `socratic worker`: a worker process of its own, for a cluster (a Temporal server and
// PostgreSQL shared by several processes), and the host of scheduled curriculum refreshes
// (`socratic schedule`). `socratic run` hosts every queue in-process already; `--queues`
// splits them over hosts (a GPU host `--queues train`, an inference host `--queues llm`).
import { QUEUE_NAMES, type QueueName } from '../workers/queues';
import { createWorkers, installRuntimeWithMetrics } from '../workers/worker';
import { commandConfig, parseCommand, UsageError } from './options';
import { connect, openSession } from './session';

export async function workerCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { queues: { type: 'string' } });
  const queues = parseQueueList(values.queues);
  const { config } = await commandConfig(values);
  const served = await installRuntimeWithMetrics(config.metrics.address);
  if (served) console.log(`metrics: ${served.url}`);
  const session = await openSession(config);
  try {
    const temporal = await connect(config, (message) => console.log(message));
    try {
      const workers = await createWorkers({
        target: temporal,
        temporal: config.temporal,
        queues,
        deps: session.deps,
      });
      const stop = () => workers.shutdown();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const polled = Object.entries(workers.taskQueues).map(([queue, name]) => `${queue} ${name}`);
      console.log(
        `worker on ${temporal.address}, namespace ${temporal.namespace}, task queues: ${polled.join(', ')}`,
      );
      await workers.run();
      return 0;
    } finally {
      await temporal.close();
    }
  } finally {
    await session.close();
    await served?.close();
  }
}

/** `--queues workflow,llm` → those queues, in QUEUE_NAMES order; unset = every queue. */
export function parseQueueList(list: string | undefined): QueueName[] {
  if (list === undefined) return [...QUEUE_NAMES];
  const wanted = list.split(',').map((name) => name.trim());
  const unknown = wanted.filter((name) => !(QUEUE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new UsageError(
      `--queues: unknown queue ${unknown.map((name) => JSON.stringify(name)).join(', ')}; ` +
        `expected a comma-separated list of ${QUEUE_NAMES.join(', ')}`,
    );
  return QUEUE_NAMES.filter((name) => wanted.includes(name));
}
