// The workers of one process: the workflows' queue and the resource queues it hosts.
import { DefaultLogger, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { type ActivityDeps, createActivities } from '../activities';
import type { Config } from '../config/schema';
import { serveMetrics } from '../metrics';
import type { TemporalTarget } from '../temporal/connection';
import { findFreePort } from '../temporal/free-port';
import { QUEUE_NAMES, type QueueName, taskQueuesOf } from './queues';
import { workflowCode } from './workflow-bundle';

export { WORKFLOWS_PATH } from './workflow-bundle';

let runtimeInstalled = false;

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/** The SDK's logger, without the warning every activity-only Worker (a resource queue) gives. */
class WorkerLogger extends DefaultLogger {
  override log(...[level, message, meta]: Parameters<DefaultLogger['log']>): void {
    if (message === 'No workflows registered, not polling for workflow tasks') return;
    super.log(level, message, meta);
  }
}

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
    logger: new WorkerLogger(LOG_LEVELS.find((l) => l === wanted) ?? 'WARN'),
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

/** What every Worker of ours shares, workflow or activity-only. */
function commonOptions(): Partial<WorkerOptions> {
  return {
    // Short shutdown: a killed or stopped worker's activities are retried elsewhere anyway.
    shutdownGraceTime: '2 seconds',
    // Code that no longer replays a round's history fails that round, with the reason,
    // instead of retrying its workflow task forever while `socratic run` waits.
    workflowFailureErrorTypes: { '*': ['NondeterminismError', 'DeterminismViolationError'] },
    ...versioning(process.env),
  };
}

/**
 * Activities at once per resource queue. llm: each stage's shard or batch activities wait on
 * endpoints (the gateway bounds the requests); cpu: verification and admission share the
 * cores; train: a solver and a generator training and their serving handoffs at most.
 */
const ACTIVITY_SLOTS: Record<Exclude<QueueName, 'workflow'>, number> = {
  llm: 32,
  cpu: 8,
  train: 4,
};

export interface WorkerGroup {
  /** The task queues polled, by queue. */
  readonly taskQueues: Partial<Record<QueueName, string>>;
  /** Runs every worker until all have stopped; one that fails stops the others. */
  run(): Promise<void>;
  shutdown(): void;
  isRunning(): boolean;
}

/**
 * The Workers of one process for the queues it hosts: the workflow queue (the workflows,
 * and every activity, for rounds started before there were resource queues and for the
 * run's own bookkeeping) and an activity-only Worker per resource queue.
 */
export async function createWorkers(options: {
  /** The server or cluster (its shared native connection and namespace). */
  target: Pick<TemporalTarget, 'namespace' | 'nativeConnection'>;
  temporal: Pick<Config['temporal'], 'taskQueue' | 'taskQueues'>;
  /** Default: every queue (the embedded default: one process runs everything). */
  queues?: readonly QueueName[];
  deps: ActivityDeps;
}): Promise<WorkerGroup> {
  const names = taskQueuesOf(options.temporal);
  const hosted = options.queues ?? QUEUE_NAMES;
  const activities = createActivities(options.deps);
  const connection = await options.target.nativeConnection();
  const workers: Worker[] = [];
  const taskQueues: WorkerGroup['taskQueues'] = {};
  for (const queue of QUEUE_NAMES.filter((q) => hosted.includes(q))) {
    taskQueues[queue] = names[queue];
    workers.push(
      await Worker.create({
        connection,
        namespace: options.target.namespace,
        taskQueue: names[queue],
        activities,
        ...(queue === 'workflow'
          ? workflowCode()
          : { maxConcurrentActivityTaskExecutions: ACTIVITY_SLOTS[queue] }),
        ...commonOptions(),
      }),
    );
  }
  let stopped = false;
  const shutdown = () => {
    stopped = true;
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  return {
    taskQueues,
    shutdown,
    isRunning: () => workers.some((worker) => worker.getState() === 'RUNNING'),
    async run() {
      if (stopped) return;
      const outcomes = await Promise.allSettled(
        workers.map((worker) =>
          worker.run().catch((error) => {
            shutdown();
            throw error;
          }),
        ),
      );
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
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
