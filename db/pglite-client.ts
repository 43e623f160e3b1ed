// The main thread's stand-in for a PGlite client whose database runs in a worker thread
// (db/pglite-thread.ts). drizzle-orm/pglite calls only `query(sql, params, { rowMode,
// parsers })` and `transaction(async (tx) => …)` with `tx.query(…)`, so that is all it has.
import { messages, type Results, types } from '@electric-sql/pglite';
import { fromThreadError, ThreadClient, type ThreadError, threadScript } from '../system/threads';

/**
 * The result types drizzle asks PGlite to leave as text (it maps them itself):
 * timestamp, timestamptz, interval, date, and numeric[], timestamp[], timestamptz[],
 * interval[], date[]. drizzle passes these as parser functions on every query; functions
 * cannot cross to the thread, so the thread applies this same list (test/db/pglite-thread
 * fails if drizzle's list changes).
 */
export const RAW_TEXT_TYPES = [
  types.TIMESTAMP,
  types.TIMESTAMPTZ,
  types.INTERVAL,
  types.DATE,
  1231,
  1115,
  1185,
  1187,
  1182,
];
export const RAW_TEXT_PARSERS = Object.fromEntries(
  RAW_TEXT_TYPES.map((type) => [type, (value: string) => value]),
);

export interface PgliteQuery {
  sql: string;
  params?: unknown[];
  rowMode?: 'array' | 'object';
  /** The open transaction it runs in; none: it waits for any open one to end. */
  tx?: number;
}

type PgliteMethods = {
  query: (q: PgliteQuery) => Promise<Results>;
  begin: (arg: null) => Promise<number>;
  end: (arg: { tx: number; commit: boolean }) => Promise<void>;
  close: (arg: null) => Promise<void>;
};

/** A PGlite error comes back a DatabaseError with its fields (code, detail, constraint, …). */
function revive(thrown: ThreadError): unknown {
  if (thrown.name !== 'error' || typeof thrown.fields.code !== 'string') {
    return fromThreadError(thrown);
  }
  const error = new messages.DatabaseError(
    thrown.message,
    Number(thrown.fields.length ?? 0),
    'error',
  );
  Object.assign(error, thrown.fields);
  if (thrown.stack) error.stack = thrown.stack;
  return error;
}

export class PgliteThreadClient {
  private constructor(
    private readonly thread: ThreadClient<PgliteMethods>,
    private readonly tx?: number,
  ) {}

  /** Starts the thread and opens PGlite on `dataDir` in it. */
  static async open(dataDir: string): Promise<PgliteThreadClient> {
    const thread = new ThreadClient<PgliteMethods>(
      'pglite',
      threadScript(__dirname, 'pglite-thread'),
      { dataDir },
      revive,
    );
    const client = new PgliteThreadClient(thread);
    try {
      await client.query('select 1');
    } catch (error) {
      await thread.close();
      throw error;
    }
    return client;
  }

  query(sql: string, params?: unknown[], options?: { rowMode?: 'array' | 'object' }) {
    return this.thread.call('query', { sql, params, rowMode: options?.rowMode, tx: this.tx });
  }

  /** PGlite's semantics: commit when `callback` resolves, roll back when it throws (and rethrow). */
  async transaction<T>(callback: (tx: PgliteThreadClient) => Promise<T>): Promise<T> {
    const tx = await this.thread.call('begin', null);
    let result: T;
    try {
      result = await callback(new PgliteThreadClient(this.thread, tx));
    } catch (error) {
      await this.thread.call('end', { tx, commit: false });
      throw error;
    }
    await this.thread.call('end', { tx, commit: true });
    return result;
  }

  /** Closes PGlite in the thread (a clean shutdown), then ends the thread. */
  async close(): Promise<void> {
    try {
      await this.thread.call('close', null);
    } finally {
      await this.thread.close();
    }
  }
}
