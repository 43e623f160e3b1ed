// PGlite is the embedded default: prove what the durability story relies on.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { count, eq } from 'drizzle-orm';
import { openDatabase } from '../../db/client';
import { llmCalls } from '../../db/schema';
import { tempDir } from '../support/cli';

const WRITER = path.join(__dirname, '..', 'fixtures', 'pglite-writer.ts');

test('every write PGlite acknowledged survives kill -9, and the directory reopens', {
  timeout: 180_000,
}, async () => {
  const dataDir = path.join(tempDir(), 'pgdata');
  const out = path.join(path.dirname(dataDir), 'acknowledged.txt');
  for (let kill = 0; kill < 3; kill++) {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir, String(kill)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let acknowledged = '';
    child.stdout.on('data', (d) => {
      acknowledged += d;
    });
    // Once it is writing, let it go on a little, then kill it mid-write.
    while (acknowledged.split('\n').length < 20)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 200 + kill * 400));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    appendFileSync(out, acknowledged);
  }
  const keys = readFileSync(out, 'utf8').split('\n').filter(Boolean);
  assert.ok(keys.length > 10, 'the writer got going');
  const handle = await openDatabase({ dataDir });
  try {
    const [rows] = await handle.db.select({ n: count() }).from(llmCalls);
    assert.ok((rows?.n ?? 0) >= keys.length);
    for (const key of keys.slice(-5)) {
      const found = await handle.db.select().from(llmCalls).where(eq(llmCalls.key, key));
      assert.equal(found.length, 1, `acknowledged row ${key} survived`);
    }
  } finally {
    await handle.close();
  }
});

test('a second process cannot open the same PGlite directory', async () => {
  const dataDir = path.join(tempDir(), 'pgdata');
  const handle = await openDatabase({ dataDir });
  try {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `require(${JSON.stringify(path.resolve(__dirname, '../../db/client.ts'))}).openDatabase({ dataDir: ${JSON.stringify(dataDir)} }).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); })`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 3);
    assert.match(stderr, /in use by process \d+/);
  } finally {
    await handle.close();
  }
});
