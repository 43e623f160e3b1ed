// A worker for the round's workflows and activities on one task queue.
import {
  DefaultLogger,
  type NativeConnection,
  Runtime,
  Worker,
  type WorkerOptions,
} from '@temporalio/worker';
import { type ActivityDeps, createActivities } from '../activities';
import { serveMetrics } from '../metrics';
import { findFreePort } from '../temporal/free-port';
import { workflowCode } from './workflow-bundle';

export { WORKFLOWS_PATH } from './workflow-bundle';

let runtimeInstalled = false;

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/**
 * The SDK logs every state change at INFO; a user watching a run wants warnings only
 * (SOCRATIC_LOG_LEVEL=INFO or DEBUG shows more). Must run before the first
 * NativeConnection or Worker of the process.
 */
export function quietRuntime(options: { prometheusPort?: number } = {}): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const wanted = process.env.SOCRATIC_LOG_LEVEL?.toUpperCase();
  Runtime.install({
    logger: new DefaultLogger(LOG_LEVELS.find((l) => l === wanted) ?? 'WARN'),
    ...(options.prometheusPort === undefined
      ? {}
      : {
          telemetryOptions: {
            metrics: {
              prometheus: {
                bindAddress: `127.0.0.1:${options.prometheusPort}`,
                countersTotalSuffix: true,
                useSecondsForDurations: true,
              },
            },
          },
        }),
  });
}

/**
 * Installs the runtime (as quietRuntime) and, when `address` is set, serves Prometheus
 * metrics there: ours and the SDK runtime's. Must run before the first connection.
 */
export async function installRuntimeWithMetrics(
  address: string | undefined,
): Promise<{ url: string; close(): Promise<void> } | undefined> {
  if (!address) {
    quietRuntime();
    return undefined;
  }
  const runtimePort = await findFreePort();
  quietRuntime({ prometheusPort: runtimePort });
  return serveMetrics(address, runtimePort);
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
    ...workflowCode(),
    activities: createActivities(options.deps),
    // Short shutdown: a killed or stopped worker's activities are retried elsewhere anyway.
    shutdownGraceTime: '2 seconds',
    // Code that no longer replays a round's history fails that round, with the reason,
    // instead of retrying its workflow task forever while `socratic run` waits.
    workflowFailureErrorTypes: { '*': ['NondeterminismError', 'DeterminismViolationError'] },
    ...versioning(process.env),
  });
}

/**
 * Worker Versioning on a cluster: with SOCRATIC_BUILD_ID set, this worker is that build of
 * the deployment SOCRATIC_DEPLOYMENT (default "socratic"), and a round stays pinned to the
 * build it started on, so a redeploy never replays it on code it was not written for.
 * Unset (the embedded default): unversioned.
 */
export function versioning(env: NodeJS.ProcessEnv): Pick<WorkerOptions, 'workerDeploymentOptions'> {
  const buildId = env.SOCRATIC_BUILD_ID?.trim();
  if (!buildId) return {};
  return {
    workerDeploymentOptions: {
      version: { deploymentName: env.SOCRATIC_DEPLOYMENT?.trim() || 'socratic', buildId },
      useWorkerVersioning: true,
      defaultVersioningBehavior: 'PINNED',
    },
  };
}
