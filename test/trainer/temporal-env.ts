// Connects to the dev server `npm test` started (TEMPORAL_TEST_ADDRESS) and
// runs a worker with trainActivity on a task queue of its own.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import {
  bundleWorkflowCode,
  DefaultLogger,
  type LogEntry,
  NativeConnection,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { trainActivity } from '../../activities/trainer';
import { testTemporal } from '../support/temporal';

/** Worker and activity log entries, for asserting what the activity logged. */
export const logEntries: LogEntry[] = [];

let runtimeInstalled = false;
function installRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({
      logger: new DefaultLogger('INFO', (entry) => {
        logEntries.push(entry);
        if (entry.level === 'ERROR') console.error(entry.message, entry.meta);
      }),
      // Core's warnings (e.g. a late completion after a heartbeat timeout) are expected here.
      telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
    });
  } catch {
    // Already installed by someone else in this process: log capture is then unavailable.
  }
}

export interface TemporalEnv {
  client: Client;
  workflowBundle: WorkflowBundleWithSourceMap;
  /** Runs `fn` while a worker serves a fresh task queue, then shuts the worker down. */
  withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function connectTemporal(): Promise<TemporalEnv> {
  const { address } = testTemporal();
  installRuntime();
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  const client = new Client({ connection });
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../fixtures/train-workflow'),
    logger: new DefaultLogger('WARN'),
  });
  return {
    client,
    workflowBundle,
    async withWorker(fn) {
      const taskQueue = `trainer-test-${randomUUID()}`;
      const worker = await Worker.create({
        connection: nativeConnection,
        taskQueue,
        workflowBundle,
        activities: { trainActivity },
        // Heartbeats reach the server (and cancellations the activity) quickly in tests.
        maxHeartbeatThrottleInterval: '200ms',
        shutdownGraceTime: '5s',
      });
      return worker.runUntil(fn(taskQueue));
    },
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}
