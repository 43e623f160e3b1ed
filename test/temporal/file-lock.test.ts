import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { withFileLock } from '../../temporal/file-lock';

const scratch = mkdtempSync(join(tmpdir(), 'socratic-lock-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('holders run one at a time and the lock file is removed after', async () => {
  const lock = join(scratch, 'serial.lock');
  const events: string[] = [];
  const hold = (name: string) =>
    withFileLock(lock, { timeoutMs: 5_000 }, async () => {
      events.push(`${name} in`);
      await sleep(100);
      events.push(`${name} out`);
    });
  await Promise.all([hold('a'), hold('b')]);
  assert.deepEqual(
    events.map((event) => event.split(' ')[1]),
    ['in', 'out', 'in', 'out'],
  );
  assert.equal(existsSync(lock), false);
});

test('a lock left by a dead process is taken over', async () => {
  const lock = join(scratch, 'stale.lock');
  writeFileSync(lock, '999999999\n'); // no such pid
  assert.equal(await withFileLock(lock, { timeoutMs: 1_000 }, async () => 'got it'), 'got it');
});

test('a lock held by a live process times out with a clear message', async () => {
  const lock = join(scratch, 'held.lock');
  writeFileSync(lock, `${process.ppid}\n`); // our parent: alive, and not us
  await assert.rejects(
    withFileLock(lock, { timeoutMs: 300 }, async () => {}),
    /waiting for the lock .*held\.lock held by pid \d+/,
  );
});
