// The PGlite directory lock (issue 10, point 9): taken atomically, never shared.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { acquireDirectoryLock, DirectoryLockedError } from '../../db/lock';
import { tempDir } from '../support/cli';

const LOCK = path.resolve(__dirname, '..', '..', 'db', 'lock.ts');

test('a directory this process has locked cannot be locked again, not even by this process', async () => {
  const dir = tempDir();
  const release = await acquireDirectoryLock(dir);
  assert.equal(readFileSync(path.join(dir, 'socratic.lock'), 'utf8').trim(), String(process.pid));
  await assert.rejects(acquireDirectoryLock(dir), (error: unknown) => {
    assert.ok(error instanceof DirectoryLockedError);
    assert.match(error.message, new RegExp(`in use by process ${process.pid}`));
    return true;
  });
  await release();
  assert.equal(existsSync(path.join(dir, 'socratic.lock')), false);
  await (await acquireDirectoryLock(dir))();
});

test('a lock of a dead process or one without a pid is taken over', async () => {
  for (const content of ['999999999\n', '']) {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'socratic.lock'), content);
    const release = await acquireDirectoryLock(dir);
    assert.equal(readFileSync(path.join(dir, 'socratic.lock'), 'utf8').trim(), String(process.pid));
    await release();
  }
});

test('of processes racing for one directory, exactly one gets it', {
  timeout: 60_000,
}, async () => {
  const dir = path.join(tempDir(), 'pgdata');
  mkdirSync(dir);
  const script = `require(${JSON.stringify(LOCK)}).acquireDirectoryLock(${JSON.stringify(dir)}).then(
    () => { console.log('got'); setTimeout(() => process.exit(0), 1500); },
    (e) => { console.log(e.constructor.name); process.exit(0); })`;
  const outputs = await Promise.all(
    Array.from({ length: 6 }, async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      await new Promise((resolve) => child.on('close', resolve));
      return out.trim();
    }),
  );
  assert.equal(outputs.filter((o) => o === 'got').length, 1, outputs.join(', '));
  assert.equal(outputs.filter((o) => o === 'DirectoryLockedError').length, 5, outputs.join(', '));
});
