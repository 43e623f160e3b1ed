// PGlite in a worker thread (db/pglite-client.ts, db/pglite-thread.ts) behaves as PGlite in
// the process does: each case runs on both and must see the same transactions, errors and
// values. What long-running commands open is the thread (openDatabase's default).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { messages } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import {
  bigint,
  customType,
  date,
  integer,
  interval,
  jsonb,
  pgTable,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/pglite';
import { type DatabaseHandle, openDatabase } from '../../db/client';
import { databaseFailure } from '../../db/failure';
import { PgliteThreadClient, RAW_TEXT_TYPES } from '../../db/pglite-client';
import { deferred } from '../../system/deferred';
import { tempDir } from '../support/cli';

const bytea = customType<{ data: Uint8Array }>({ dataType: () => 'bytea' });
const probe = pgTable('thread_probe', {
  id: integer('id').primaryKey(),
  name: text('name'),
  at: timestamp('at', { mode: 'date' }),
  atZone: timestamp('at_zone', { mode: 'date', withTimezone: true }),
  day: date('day'),
  span: interval('span'),
  stamps: timestamp('stamps', { mode: 'string' }).array(),
  doc: jsonb('doc'),
  big: bigint('big', { mode: 'bigint' }),
  bytes: bytea('bytes'),
});
const CREATE_PROBE = sql`create table thread_probe (id integer primary key, name text,
  at timestamp, at_zone timestamptz, day date, span interval, stamps timestamp[], doc jsonb,
  big bigint, bytes bytea)`;

/** A query's cause as drizzle wraps it, or the error itself. */
const cause = (error: unknown) => (error as Error).cause ?? error;

test('drizzle asks PGlite to leave as text exactly the types the thread leaves as text', async () => {
  // The thread cannot receive drizzle's parser functions: it applies RAW_TEXT_TYPES instead.
  const asked = new Set<string>();
  const spy = {
    query: async (_sql: string, _params: unknown[], options: { parsers: object }) => {
      asked.add(JSON.stringify(Object.keys(options.parsers).map(Number).sort()));
      return { rows: [], fields: [] };
    },
  };
  const db = drizzle(spy as never);
  await db.execute(sql`select 1`);
  await db.select().from(probe);
  assert.deepEqual([...asked], [JSON.stringify([...RAW_TEXT_TYPES].sort())]);
});

for (const thread of [true, false]) {
  describe(thread ? 'PGlite in its thread' : 'PGlite in the process', () => {
    let dataDir: string;
    let handle: DatabaseHandle;
    before(async () => {
      dataDir = path.join(tempDir(), 'pgdata');
      handle = await openDatabase({ dataDir, thread });
      await handle.db.execute(CREATE_PROBE);
    });
    after(() => handle.close());
    const count = async () =>
      (await handle.db.select({ id: probe.id }).from(probe).orderBy(probe.id)).map((r) => r.id);

    it('is the kind asked for', () => {
      const { $client } = handle.db as unknown as { $client: unknown };
      assert.equal($client instanceof PgliteThreadClient, thread);
    });

    it('commits when the callback resolves, rolls back and rethrows its error when it throws', async () => {
      const value = await handle.db.transaction(async (tx) => {
        await tx.insert(probe).values({ id: 1 });
        return 'committed';
      });
      assert.equal(value, 'committed');
      const thrown = new Error('changed my mind');
      await assert.rejects(
        handle.db.transaction(async (tx) => {
          await tx.insert(probe).values({ id: 2 });
          throw thrown;
        }),
        (error) => error === thrown,
      );
      // A nested transaction (a savepoint) rolls back alone.
      await handle.db.transaction(async (tx) => {
        await tx.insert(probe).values({ id: 3 });
        await tx
          .transaction(async (inner) => {
            await inner.insert(probe).values({ id: 4 });
            throw thrown;
          })
          .catch(() => {});
      });
      assert.deepEqual(await count(), [1, 3]);
      await handle.db.delete(probe);
    });

    it('a query outside an open transaction waits for it to end', async () => {
      const opened = deferred();
      const finished = deferred();
      const transaction = handle.db.transaction(async (tx) => {
        await tx.insert(probe).values({ id: 10 });
        opened.resolve();
        await finished.promise;
      });
      await opened.promise;
      let answered = false;
      const outside = count().then((ids) => {
        answered = true;
        return ids;
      });
      await sleep(200);
      assert.equal(answered, false, 'answered while the transaction was open');
      finished.resolve();
      await transaction;
      assert.deepEqual(await outside, [10]);
      await handle.db.delete(probe);
    });

    it("a refused statement's error keeps PGlite's class, message and fields", async () => {
      await handle.db.insert(probe).values({ id: 20 });
      const error = await handle.db
        .insert(probe)
        .values({ id: 20 })
        .then(
          () => assert.fail('a duplicate key was accepted'),
          (e: unknown) => cause(e),
        );
      assert.ok(error instanceof messages.DatabaseError);
      assert.equal(
        error.message,
        'duplicate key value violates unique constraint "thread_probe_pkey"',
      );
      assert.equal(error.code, '23505');
      assert.equal(error.severity, 'ERROR');
      assert.equal(error.constraint, 'thread_probe_pkey');
      assert.equal(error.table, 'thread_probe');
      assert.equal(error.schema, 'public');
      assert.equal(error.detail, 'Key (id)=(20) already exists.');
      // What the activities rely on: a constraint failure is a non-retryable failure.
      assert.equal(databaseFailure(error)?.nonRetryable, true);
      await handle.db.delete(probe);
    });

    it('values come back as drizzle maps them in the process', async () => {
      const row = {
        id: 30,
        name: 'x\u00e9\u{1F600}',
        at: new Date('2026-01-02T03:04:05.678Z'),
        atZone: new Date('2026-06-07T08:09:10.123Z'),
        day: '2026-02-28',
        span: '1 day 02:03:04',
        stamps: ['2026-01-02 03:04:05', '2027-01-02 03:04:05.5'],
        doc: { nested: [1, 'two', null, { deep: true }] },
        big: 9007199254740993n,
        bytes: Uint8Array.of(0, 1, 254, 255),
      };
      const empty = {
        ...row,
        id: 31,
        name: null,
        at: null,
        atZone: null,
        day: null,
        span: null,
        stamps: null,
        doc: null,
        big: null,
        bytes: null,
      };
      await handle.db.insert(probe).values([row, empty]);
      const back = await handle.db.select().from(probe).orderBy(probe.id);
      assert.deepEqual(back, [row, empty]);
      const raw = (await handle.db.execute(
        sql`select at, day, big, bytes, doc from thread_probe where id = 30`,
      )) as unknown as { rows: unknown[] };
      assert.deepEqual(raw.rows, [
        {
          at: '2026-01-02 03:04:05.678',
          day: '2026-02-28',
          big: 9007199254740993n,
          bytes: Uint8Array.of(0, 1, 254, 255),
          doc: row.doc,
        },
      ]);
      await handle.db.delete(probe);
    });

    it('closes cleanly: the directory reopens (its lock released) with the data', async () => {
      await handle.db.insert(probe).values({ id: 40, name: 'kept' });
      await handle.close();
      handle = await openDatabase({ dataDir, thread });
      assert.deepEqual(await handle.db.select({ name: probe.name }).from(probe), [
        { name: 'kept' },
      ]);
    });
  });
}

// Last: a brief open sets V8 flags for the rest of the process.
test('a long-running open gets the thread by default, a brief one stays in the process', async () => {
  const dataDir = path.join(tempDir(), 'pgdata');
  for (const [brief, thread] of [
    [false, true],
    [true, false],
  ]) {
    const handle = await openDatabase({ dataDir, brief });
    try {
      const { $client } = handle.db as unknown as { $client: unknown };
      assert.equal($client instanceof PgliteThreadClient, thread, `brief: ${brief}`);
    } finally {
      await handle.close();
    }
  }
});
