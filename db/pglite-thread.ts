// PGlite in its own worker thread (issue 11): its WebAssembly and JS were about a quarter
// of the worker's main thread while sampling, and the machine has a second core. The main
// thread reaches it through db/pglite-client.ts, the stand-in drizzle is given.
import { PGlite, type Results, type Transaction } from '@electric-sql/pglite';
import { deferred } from '../system/deferred';
import { serveThread } from '../system/threads';
import { type PgliteQuery, RAW_TEXT_PARSERS } from './pglite-client';

interface OpenTransaction {
  tx: Transaction;
  finish: (commit: boolean) => void;
  done: Promise<void>;
}

serveThread(async (data) => {
  const { dataDir } = data as { dataDir: string };
  const pg = await PGlite.create({ dataDir });
  const open = new Map<number, OpenTransaction>();
  let nextTransaction = 0;

  return {
    // Without `tx`, PGlite's own mutex makes the query wait for any open transaction.
    query: async (q: PgliteQuery): Promise<Results> => {
      const options = { rowMode: q.rowMode, parsers: RAW_TEXT_PARSERS };
      if (q.tx === undefined) return pg.query(q.sql, q.params, options);
      const transaction = open.get(q.tx);
      if (!transaction) throw new Error('Transaction is closed');
      return transaction.tx.query(q.sql, q.params, options);
    },

    // Opens a transaction (waiting for PGlite's mutex) and answers with its id once BEGIN
    // ran; it stays open until `end` says whether to commit.
    begin: async (): Promise<number> => {
      const id = nextTransaction++;
      const begun = deferred();
      const decided = deferred<boolean>();
      const entry = { finish: decided.resolve } as OpenTransaction;
      entry.done = pg
        .transaction(async (tx) => {
          entry.tx = tx;
          open.set(id, entry);
          begun.resolve();
          if (!(await decided.promise)) await tx.rollback();
        })
        .finally(() => open.delete(id));
      await Promise.race([begun.promise, entry.done]); // a failing BEGIN rejects here
      return id;
    },

    // Commits or rolls back; a failing COMMIT rejects here as it would in-process.
    end: async ({ tx, commit }: { tx: number; commit: boolean }): Promise<void> => {
      const transaction = open.get(tx);
      if (!transaction) throw new Error('Transaction is closed');
      transaction.finish(commit);
      await transaction.done;
    },

    // A clean shutdown, so the data directory is consistent for the next open.
    close: async (): Promise<void> => {
      await pg.close();
    },
  };
});
