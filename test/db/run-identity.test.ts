// Run identity (issue 10, point 7) and the run's config snapshot (point 8).
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { runContentKey } from '../../algorithm/random';
import { assertRunOfDatabase, createRun, databaseId, runMemo } from '../../cli/runs';
import { Config } from '../../config/schema';
import { openDatabase } from '../../db/client';
import { tempDir } from '../support/cli';

const config = Config.parse({ seed: 5, rounds: 2 });

test('two databases with the same config never share a run id, but share its data ids', {
  timeout: 120_000,
}, async () => {
  const dirs = [tempDir(), tempDir()].map((d) => path.join(d, 'pgdata'));
  const ids: string[] = [];
  const databases: string[] = [];
  for (const dataDir of dirs) {
    const handle = await openDatabase({ dataDir });
    try {
      const run = await createRun(handle.db, { ...config, stateDir: dataDir });
      ids.push(run.id);
      databases.push(await databaseId(handle.db));
      assert.ok(run.id.endsWith(`-${databases.at(-1)}`), run.id);
      // A second run of the same config in the same database is another run.
      const again = await createRun(handle.db, config);
      assert.notEqual(runContentKey(again.id), runContentKey(run.id));
    } finally {
      await handle.close();
    }
  }
  assert.notEqual(ids[0], ids[1]);
  assert.notEqual(databases[0], databases[1]);
  // Content ids (problems, attempts, pairs) derive from this part: exports stay comparable.
  assert.equal(runContentKey(ids[0]!), runContentKey(ids[1]!));
  // The identity is stored once: reopening the database gives the same one.
  const reopened = await openDatabase({ dataDir: dirs[0]! });
  try {
    assert.equal(await databaseId(reopened.db), databases[0]);
  } finally {
    await reopened.close();
  }
});

test("attaching to a workflow needs the database's memo on it", () => {
  const run = { id: 'abc123def456-0a1b2c3d', workflowId: 'socratic-run-abc123def456-0a1b2c3d' };
  assertRunOfDatabase(run, runMemo('0a1b2c3d'), '0a1b2c3d');
  assert.throws(
    () => assertRunOfDatabase(run, runMemo('ffffffff'), '0a1b2c3d'),
    /belongs to database ffffffff, not to this one \(0a1b2c3d\)/,
  );
  assert.throws(() => assertRunOfDatabase(run, {}, '0a1b2c3d'), /belongs to no socratic database/);
  // A run from before the database part existed was started without a memo.
  const legacy = { id: 'abc123def456', workflowId: 'socratic-run-abc123def456' };
  assertRunOfDatabase(legacy, undefined, '0a1b2c3d');
  assert.throws(() => assertRunOfDatabase(legacy, runMemo('ffffffff'), '0a1b2c3d'));
});

test('the run snapshot never holds the database password', { timeout: 60_000 }, async () => {
  const handle = await openDatabase({ dataDir: path.join(tempDir(), 'pgdata') });
  try {
    const url = (password: string) => `postgres://socratic:${password}@db.example:5432/socratic`;
    const a = await createRun(handle.db, { ...config, databaseUrl: url('s3cret!') });
    const b = await createRun(handle.db, { ...config, databaseUrl: url('other') });
    assert.doesNotMatch(JSON.stringify(a.config), /s3cret/);
    assert.equal(
      (a.config as Config).databaseUrl,
      'postgres://socratic:***@db.example:5432/socratic',
    );
    // The password is no part of the config's identity either.
    assert.equal(a.configHash, b.configHash);
  } finally {
    await handle.close();
  }
});
