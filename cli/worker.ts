// `socratic worker`: a worker process of its own, for a cluster (a Temporal server and
// PostgreSQL shared by several processes), and the host of scheduled curriculum refreshes
// (`socratic schedule`). `socratic run` hosts one in-process already.
import { createWorker, installRuntimeWithMetrics } from '../workers/worker';
import { commandConfig, parseCommand } from './options';
import { connect, openSession } from './session';

export async function workerCommand(argv: string[]): Promise<number> {
  const { config } = await commandConfig(parseCommand(argv).values);
  const served = await installRuntimeWithMetrics(config.metrics.address);
  if (served) console.log(`metrics: ${served.url}`);
  const session = await openSession(config);
  try {
    const temporal = await connect(config, (message) => console.log(message));
    try {
      const worker = await createWorker({
        connection: await temporal.nativeConnection(),
        namespace: temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        deps: session.deps,
      });
      const stop = () => worker.shutdown();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      console.log(
        `worker on ${temporal.address}, namespace ${temporal.namespace}, task queue ${config.temporal.taskQueue}`,
      );
      await worker.run();
      return 0;
    } finally {
      await temporal.close();
    }
  } finally {
    await session.close();
    await served?.close();
  }
}
