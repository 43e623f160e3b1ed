// Scaling out (issue 11, points 3–4): a 2-round lab run on PostgreSQL, started with
// `socratic run --detach` and run by two `socratic worker` processes on split queues (one
// `--queues workflow,cpu,train`, one `--queues llm`). The llm worker is killed with SIGKILL
// while one of its activities runs in round 1 and a replacement takes over: the run
// completes, every activity ran on its resource's worker, and the exports equal those of
// the same config run on PGlite by one `socratic run` process.
// Needs a PostgreSQL server: npm test passes DATABASE_URL on as SOCRATIC_TEST_DATABASE_URL
// (and runs this suite only when DATABASE_URL is set). It works in a database of its own.
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Connection, Client as TemporalClient } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { Client } from 'pg';
import { roundWorkflowId } from '../../workflows/ids';
import { progressQuery } from '../../workflows/progress';
import {
  type CliResult,
  events,
  exportAll,
  runCli,
  spawnCli,
  tempDir,
  writeSmallConfig,
} from '../support/cli';
import { testTemporal } from '../support/temporal';

const serverUrl = process.env.SOCRATIC_TEST_DATABASE_URL;

async function sql<T = unknown>(url: string, statement: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(statement)).rows as T[];
  } finally {
    await client.end();
  }
}

async function until<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 300_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Worker = ReturnType<typeof spawnCli>;

test('a run on PostgreSQL with split workers, one killed -9 mid-round, exports what one PGlite process does', {
  timeout: 900_000,
}, async (t) => {
  assert.ok(
    serverUrl,
    'this suite needs PostgreSQL: run it as `DATABASE_URL=postgres://… npm test -- ' +
      'test/loop/workers.postgres.test.ts` (scripts/postgres-server.sh start DIR starts a throwaway one)',
  );
  const database = `socratic_workers_${process.pid}_${Date.now()}`;
  await sql(serverUrl, `CREATE DATABASE ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();

  // The shared test server, on queues of this test's own. Lab latency makes each LLM
  // activity last long enough to be killed inside; a short heartbeat timeout retries it soon.
  const { address } = testTemporal();
  const taskQueue = `workers-test-${process.pid}-${Date.now()}`;
  const extra = `temporal:
  address: ${address}
  taskQueue: ${taskQueue}
  heartbeatTimeoutSeconds: 5
`;
  const onPglite = tempDir();
  const onPostgres = tempDir();
  const pgliteConfig = writeSmallConfig(onPglite, extra, { latencyMs: 500 });
  const postgresConfig = writeSmallConfig(onPostgres, extra, { latencyMs: 500 });
  const env = { DATABASE_URL: databaseUrl };
  const workers: Worker[] = [];
  const temporalConnection = await Connection.connect({ address });
  const temporal = new TemporalClient({ connection: temporalConnection });
  t.after(async () => {
    for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.output));
    await temporalConnection.close();
    await sql(serverUrl, `DROP DATABASE IF EXISTS ${database}`);
  });

  // The reference: one process, every queue, PGlite.
  const reference = await runCli(['run', '--config', pgliteConfig, '--json'], {
    DATABASE_URL: undefined,
  });
  assert.equal(reference.code, 0, `PGlite run failed:\n${reference.stderr}`);

  // The run is started and left to the workers.
  const started = await runCli(['run', '--config', postgresConfig, '--detach', '--json'], env);
  assert.equal(started.code, 0, started.stderr);
  const runId = events(started.stdout).find((e) => e.runId)?.runId as string;
  assert.ok(runId, started.stdout);

  const startWorker = (queues: string) => {
    const worker = spawnCli(['worker', '--config', postgresConfig, '--queues', queues], env);
    workers.push(worker);
    return worker;
  };
  const identity = (worker: Worker) => `${worker.pid}@${hostname()}`;
  const main = startWorker('workflow,cpu,train');
  const firstLlm = startWorker('llm');

  // Kill the llm worker while it runs an activity of round 1's stages (sampling or later).
  const round1 = temporal.workflow.getHandle(roundWorkflowId(runId, 1));
  const killedIn = await until(async () => {
    try {
      const stages = await round1.query(progressQuery);
      if (!stages.some((s) => s.stage === 'sample')) return undefined;
      const { raw } = await round1.describe();
      const running = raw.pendingActivities?.find(
        (a) =>
          a.state === proto.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED &&
          a.lastWorkerIdentity === identity(firstLlm),
      );
      return running ? `${running.activityType?.name} (stages: ${stages.length})` : undefined;
    } catch {
      return undefined; // not started yet, or no worker has answered the query yet
    }
  }, 'an activity of round 1 on the llm worker');
  t.diagnostic(`killing the llm worker while it runs ${killedIn}`);
  firstLlm.kill('SIGKILL');
  const killed = await firstLlm.output;
  assert.equal(killed.signal, 'SIGKILL');
  const secondLlm = startWorker('llm');

  const status = await until(async () => {
    if (main.exitCode !== null || secondLlm.exitCode !== null)
      throw new Error(`a worker exited:\n${await tails([main, secondLlm])}`);
    const [row] = await sql<{ status: string }>(databaseUrl, 'SELECT status FROM runs');
    return row && row.status !== 'running' ? row.status : undefined;
  }, 'the run to end');
  assert.equal(status, 'completed', `the run ${status} (the llm worker was killed in ${killedIn})`);

  // Each queue's activities ran on the workers that host it, and the killed worker's
  // activity was retried on its replacement.
  const llmQueue = `${taskQueue}-llm`;
  let retriedOnReplacement = 0;
  const ranOn: Record<string, Set<string>> = {};
  const record = (queue: string, identity = '') => {
    ranOn[queue] = new Set([...(ranOn[queue] ?? []), identity]);
  };
  for (const round of [1, 2]) {
    const history = await temporal.workflow.getHandle(roundWorkflowId(runId, round)).fetchHistory();
    const queueOf = new Map<string, string>();
    for (const event of history.events ?? []) {
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled) queueOf.set(String(event.eventId), scheduled.taskQueue?.name ?? '');
      const activity = event.activityTaskStartedEventAttributes;
      if (activity) {
        const queue = queueOf.get(String(activity.scheduledEventId))!;
        record(queue, activity.identity ?? undefined);
        if (
          queue === llmQueue &&
          activity.attempt! > 1 &&
          activity.identity === identity(secondLlm)
        )
          retriedOnReplacement++;
      }
      const workflowTask = event.workflowTaskStartedEventAttributes;
      if (workflowTask) record(taskQueue, workflowTask.identity ?? undefined);
    }
  }
  assert.deepEqual(ranOn, {
    [taskQueue]: new Set([identity(main)]),
    [`${taskQueue}-cpu`]: new Set([identity(main)]),
    [`${taskQueue}-train`]: new Set([identity(main)]),
    [llmQueue]: new Set([identity(firstLlm), identity(secondLlm)]),
  });
  assert.ok(
    retriedOnReplacement > 0,
    `no retried activity on the replacement (killed in ${killedIn})`,
  );

  // The workers stop cleanly when asked.
  for (const worker of [main, secondLlm]) worker.kill('SIGTERM');
  for (const result of await Promise.all([main.output, secondLlm.output]))
    assert.equal(result.code, 0, result.stderr);

  const expected = await exportAll(path.join(onPglite, 'state'));
  const actual = await exportAll(path.join(onPostgres, 'state'), databaseUrl);
  for (const what of Object.keys(expected))
    assert.deepEqual(actual[what], expected[what], `${what} differ`);
  assert.ok(expected.pairs!.length > 0 && expected.evaluations!.length === 3);
});

/** What the workers that exited printed last, for a failure message. */
async function tails(workers: Worker[]): Promise<string> {
  const done = await Promise.all(
    workers
      .filter((w) => w.exitCode !== null)
      .map(async (w) => [w.pid, await w.output] as [number, CliResult]),
  );
  return done
    .map(([pid, r]) => `pid ${pid} (exit ${r.code}):\n${r.stderr.slice(-2000)}`)
    .join('\n');
}
