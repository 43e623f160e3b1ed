// Several processes opening one new PostgreSQL database at once (a CLI and its workers
// starting together) all find it migrated: none fails on a table another one is creating.
// Needs PostgreSQL (DATABASE_URL, passed on by npm test as SOCRATIC_TEST_DATABASE_URL).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { Client } from 'pg';
import { REPO } from '../support/cli';

const serverUrl = process.env.SOCRATIC_TEST_DATABASE_URL;

async function sql(url: string, statement: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(statement)).rows;
  } finally {
    await client.end();
  }
}

/** Opens (and so migrates) the database in a process of its own; resolves to its exit code and output. */
function openInProcess(url: string): Promise<{ code: number | null; output: string }> {
  const client = path.join(REPO, 'dist', 'db', 'client.js');
  const script = `require(${JSON.stringify(client)}).openDatabase({ url: process.argv[1], dataDir: '' })
    .then((handle) => handle.close(), (error) => { console.error(error.message); process.exitCode = 1; });`;
  const child = spawn(process.execPath, ['-e', script, url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

test('processes that open a new PostgreSQL database at once all find it migrated', {
  timeout: 120_000,
}, async (t) => {
  assert.ok(
    serverUrl,
    'this suite needs PostgreSQL: run it with DATABASE_URL=postgres://… npm test -- FILE',
  );
  const database = `socratic_migrate_${process.pid}_${Date.now()}`;
  await sql(serverUrl, `CREATE DATABASE ${database}`);
  t.after(() => sql(serverUrl, `DROP DATABASE IF EXISTS ${database}`));
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;

  const results = await Promise.all(Array.from({ length: 4 }, () => openInProcess(url.toString())));
  for (const result of results) assert.equal(result.code, 0, result.output);
  const applied = await sql(
    url.toString(),
    'SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations',
  );
  const tables = await sql(
    url.toString(),
    "SELECT 1 FROM information_schema.tables WHERE table_name = 'runs'",
  );
  assert.ok(applied[0].n > 0 && tables.length === 1);
});
