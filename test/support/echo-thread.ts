// A worker thread for test/system/threads.test.ts: methods that answer, fail, wait for
// cancellation and die.
import { setTimeout as sleep } from 'node:timers/promises';
import { serveThread } from '../../system/threads';

class CodedError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly detail: { table: string },
  ) {
    super(message);
    this.name = 'CodedError';
  }
}

let cancelled = 0;

serveThread((data) => ({
  echo: async (arg: { text: string; when: Date; bytes: Uint8Array }) => ({ ...arg, data }),
  fail: async (code: string) => {
    throw new CodedError(`failed with ${code}`, code, { table: 'llm_calls' });
  },
  waitForCancel: async (_: null, signal: AbortSignal) => {
    try {
      await sleep(60_000, undefined, { signal });
    } catch {
      cancelled++;
    }
    return 'cancelled';
  },
  cancelledCount: async () => cancelled,
  exit: async (code: number) => process.exit(code),
}));
