import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ThreadClient, threadScript } from '../../system/threads';

const SUPPORT = path.join(__dirname, '..', 'support');
type Echo = {
  echo: (arg: { text: string; when: Date; bytes: Uint8Array }) => Promise<unknown>;
  fail: (code: string) => Promise<never>;
  waitForCancel: (arg: null, signal: AbortSignal) => Promise<string>;
  cancelledCount: (arg: null) => Promise<number>;
  exit: (code: number) => Promise<never>;
};
const echoThread = () =>
  new ThreadClient<Echo>('echo', threadScript(SUPPORT, 'echo-thread'), { from: 'caller' });

describe('ThreadClient', () => {
  it('passes arguments and values across, with the data the thread was started with', async () => {
    const thread = echoThread();
    try {
      const when = new Date('2026-01-02T03:04:05Z');
      const reply = await thread.call('echo', {
        text: 'x\u00e9',
        when,
        bytes: Uint8Array.of(1, 2),
      });
      assert.deepEqual(reply, {
        text: 'x\u00e9',
        when,
        bytes: Uint8Array.of(1, 2),
        data: { from: 'caller' },
      });
    } finally {
      await thread.close();
    }
  });

  it("rejects with the thread's error: its name, message and fields", async () => {
    const thread = echoThread();
    try {
      await assert.rejects(
        thread.call('fail', '23505'),
        (error: Error & Record<string, unknown>) => {
          assert.equal(error.name, 'CodedError');
          assert.equal(error.message, 'failed with 23505');
          assert.equal(error.code, '23505');
          assert.deepEqual(error.detail, { table: 'llm_calls' });
          return true;
        },
      );
      // The thread still answers afterwards.
      assert.equal(
        (await thread.call('echo', { text: 'a', when: new Date(0), bytes: new Uint8Array() })) !==
          null,
        true,
      );
    } finally {
      await thread.close();
    }
  });

  it("an aborted call rejects at once with the signal's reason and aborts the thread's work", async () => {
    const thread = echoThread();
    try {
      const controller = new AbortController();
      const call = thread.call('waitForCancel', null, controller.signal);
      await sleep(50);
      controller.abort(new Error('activity cancelled'));
      await assert.rejects(call, /activity cancelled/);
      let cancelled = 0;
      for (let i = 0; i < 100 && cancelled === 0; i++) {
        cancelled = await thread.call('cancelledCount', null);
        await sleep(10);
      }
      assert.equal(cancelled, 1);
    } finally {
      await thread.close();
    }
  });

  it('a thread that dies fails the calls in flight, and the next call starts a new one', async () => {
    const thread = echoThread();
    try {
      const waiting = thread.call('waitForCancel', null);
      await assert.rejects(thread.call('exit', 3), /echo thread exited with code 3/);
      await assert.rejects(waiting, /echo thread exited with code 3/);
      assert.deepEqual(await thread.call('cancelledCount', null), 0);
    } finally {
      await thread.close();
    }
    await assert.rejects(thread.call('cancelledCount', null), /echo thread is closed/);
  });

  it('an idle thread, started ahead or not, does not keep the process alive; a call in flight does', () => {
    const script = `
      const { ThreadClient, threadScript } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'system', 'threads.ts'))});
      const thread = new ThreadClient('echo', threadScript(${JSON.stringify(SUPPORT)}, 'echo-thread'), null);
      thread.start(); // started ahead and idle: must not hold the process either
      thread.call('echo', { text: 'late', when: new Date(0), bytes: new Uint8Array() })
        .then((reply) => console.log('answered', reply.text));
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(child.status, 0, child.stderr);
    // Exited on its own (no close()), after the answer arrived.
    assert.match(child.stdout, /answered late/);
  });
});
