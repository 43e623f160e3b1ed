// The same 2-round lab run on PostgreSQL and on PGlite, through the real CLI: the exports
// must be equal. Needs a PostgreSQL server: npm test passes DATABASE_URL on to this suite as
// SOCRATIC_TEST_DATABASE_URL (and runs it only when DATABASE_URL is set; .ci/run sets it).
// The suite works in a database of its own, created and dropped here.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Client } from 'pg';
import { stopDevServer } from '../../temporal/dev-server';
import { events, exportAll, runCli, tempDir, writeSmallConfig } from '../support/cli';

const serverUrl = process.env.SOCRATIC_TEST_DATABASE_URL;

async function sql(url: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

test('a 2-round lab run on PostgreSQL exports what the same run on PGlite exports', {
  timeout: 900_000,
}, async (t) => {
  assert.ok(
    serverUrl,
    'this suite needs PostgreSQL: run it as `DATABASE_URL=postgres://… npm test -- ' +
      'test/loop/run.postgres.test.ts` (scripts/postgres-server.sh start DIR starts a throwaway one)',
  );
  const database = `socratic_test_${process.pid}_${Date.now()}`;
  await sql(serverUrl, `CREATE DATABASE ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();

  // The same config in both (run ids derive from it); each state dir has its own dev server.
  const onPglite = tempDir();
  const onPostgres = tempDir();
  const pgliteConfig = writeSmallConfig(onPglite);
  const postgresConfig = writeSmallConfig(onPostgres);
  t.after(async () => {
    await stopDevServer(path.join(onPglite, 'state')).catch(() => {});
    await stopDevServer(path.join(onPostgres, 'state')).catch(() => {});
    await sql(serverUrl, `DROP DATABASE IF EXISTS ${database}`);
  });

  const [pglite, postgres] = [
    await runCli(['run', '--config', pgliteConfig, '--json'], { DATABASE_URL: undefined }),
    await runCli(['run', '--config', postgresConfig, '--json'], { DATABASE_URL: databaseUrl }),
  ];
  for (const [name, result] of Object.entries({ pglite, postgres })) {
    assert.equal(
      result.code,
      0,
      `${name} run failed:\n${result.stderr}\n${result.stdout.slice(-2000)}`,
    );
    const done = events(result.stdout).find((e) => e.event === 'done');
    assert.equal(done?.status, 'completed', name);
  }

  const expected = await exportAll(path.join(onPglite, 'state'));
  const actual = await exportAll(path.join(onPostgres, 'state'), databaseUrl);
  for (const what of Object.keys(expected))
    assert.deepEqual(actual[what], expected[what], `${what} differ`);
  assert.ok(expected.pairs!.length > 0 && expected.evaluations!.length === 3);
  // The run really used PostgreSQL: no PGlite database beside it.
  assert.equal(existsSync(path.join(onPostgres, 'state', 'pgdata')), false);
});
