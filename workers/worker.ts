// A worker for the round's workflows and activities on one task queue.
import { DefaultLogger, type NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { type ActivityDeps, createActivities } from '../activities';

export const WORKFLOWS_PATH = require.resolve('../workflows');

let runtimeInstalled = false;

/**
 * The SDK logs every state change at INFO; a user watching a run wants warnings only.
 * Must run before the first NativeConnection or Worker of the process.
 */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: new DefaultLogger((process.env.SOCRATIC_LOG_LEVEL as 'WARN') ?? 'WARN'),
  });
}

export async function createWorker(options: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
}): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath: WORKFLOWS_PATH,
    activities: createActivities(options.deps),
    // Short shutdown: a killed or stopped worker's activities are retried elsewhere anyway.
    shutdownGraceTime: '2 seconds',
  });
}
