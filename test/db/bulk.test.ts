// Batched reads and group commits (db/bulk.ts) over stand-in statements: what each caller
// gets, and how many statements serve them.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { BatchedReads, GroupCommit, insertRowsAsJson, jsonText } from '../../db/bulk';
import { type DatabaseHandle, openDatabase } from '../../db/client';
import { attempts, llmCalls } from '../../db/schema';
import { deferred } from '../../system/deferred';
import { tempDir } from '../support/cli';

describe('BatchedReads', () => {
  it('reads the keys asked for in one turn in one query, each key once', async () => {
    const queries: string[][] = [];
    const reads = new BatchedReads<string, number>(async (keys) => {
      queries.push(keys);
      return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.length]));
    });
    const results = await Promise.all(['a', 'bb', 'a', 'missing', 'ccc'].map((k) => reads.get(k)));
    assert.deepEqual(results, [1, 2, 1, undefined, 3]);
    assert.deepEqual(queries, [['a', 'bb', 'missing', 'ccc']]);
    // A later turn is a query of its own.
    assert.equal(await reads.get('dddd'), 4);
    assert.equal(queries.length, 2);
  });

  it('splits a turn past maxKeys, and a failed query fails only its own keys', async () => {
    const queries: string[][] = [];
    const reads = new BatchedReads<string, string>(async (keys) => {
      queries.push(keys);
      if (keys.includes('k3')) throw new Error('query failed');
      return new Map(keys.map((k) => [k, k.toUpperCase()]));
    }, 2);
    const results = await Promise.allSettled(
      ['k0', 'k1', 'k2', 'k3', 'k4'].map((k) => reads.get(k)),
    );
    assert.deepEqual(queries, [['k0', 'k1'], ['k2', 'k3'], ['k4']]);
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed')),
      ['K0', 'K1', 'failed', 'failed', 'K4'],
    );
  });
});

describe('GroupCommit', () => {
  it('writes what arrives together in one statement and answers each caller once it is in', async () => {
    const statements: number[][] = [];
    const stored = new Set<number>();
    const commit = new GroupCommit<number>(async (rows) => {
      statements.push(rows);
      await new Promise((r) => setTimeout(r, 5));
      for (const row of rows) stored.add(row);
    });
    const callers = [[1, 2], [3], [4, 5, 6]].map((rows) =>
      commit.add(rows).then(() => rows.every((row) => stored.has(row))),
    );
    assert.deepEqual(await Promise.all(callers), [true, true, true]);
    assert.deepEqual(statements, [[1, 2, 3, 4, 5, 6]]);
  });

  it('keeps a caller’s rows in one group and groups at most maxRows', async () => {
    const statements: number[][] = [];
    const commit = new GroupCommit<number>(
      async (rows) => {
        statements.push(rows);
      },
      { maxRows: 4 },
    );
    await Promise.all([commit.add([1, 2, 3]), commit.add([4, 5]), commit.add([6]), commit.add([])]);
    assert.deepEqual(statements, [
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('rows that arrive while a group is written go in the next group', async () => {
    const statements: number[][] = [];
    const held = deferred();
    const commit = new GroupCommit<number>(async (rows) => {
      statements.push(rows);
      if (statements.length === 1) await held.promise;
    });
    const first = commit.add([1]);
    // Until the first group's statement is under way (its timer, not a count of turns).
    while (statements.length === 0) await new Promise((r) => setTimeout(r, 1));
    const later = [commit.add([2]), commit.add([3])];
    held.resolve();
    await Promise.all([first, ...later]);
    assert.deepEqual(statements, [[1], [2, 3]]);
  });

  it('a group lingers for more rows, and a full one is written at once', async () => {
    const statements: number[][] = [];
    const lingering = new GroupCommit<number>(
      async (rows) => {
        statements.push(rows);
      },
      { lingerMs: 1000 },
    );
    const first = lingering.add([1]);
    await new Promise((r) => setTimeout(r, 20));
    await Promise.all([first, lingering.add([2])]);
    assert.deepEqual(statements, [[1, 2]], 'rows 20 ms apart share a statement');

    // A linger of an hour: only a full group lets this test end.
    const full = new GroupCommit<number>(
      async (rows) => {
        statements.push(rows);
      },
      { lingerMs: 3_600_000, maxRows: 3 },
    );
    await Promise.all([full.add([3, 4]), full.add([5])]);
    assert.deepEqual(statements.at(-1), [3, 4, 5]);
  });

  it('a bad entry fails only its own caller: the group is written again entry by entry', async () => {
    const stored: number[] = [];
    const commit = new GroupCommit<number>(async (rows) => {
      if (rows.includes(13)) throw new Error('refused 13');
      stored.push(...rows);
    });
    const results = await Promise.allSettled([
      commit.add([1, 2]),
      commit.add([13]),
      commit.add([3]),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.match(String((results[1] as PromiseRejectedResult).reason), /refused 13/);
    assert.deepEqual(stored, [1, 2, 3]);
    // The writer goes on after a failure.
    await commit.add([4]);
    assert.deepEqual(stored, [1, 2, 3, 4]);
  });

  it('turns a statement that throws at once into that caller’s failure', async () => {
    const commit = new GroupCommit<number>((rows) => {
      if (rows.length > 0) throw new Error('no statement');
      return Promise.resolve();
    });
    await assert.rejects(commit.add([1]), /no statement/);
  });
});

describe('insertRowsAsJson', () => {
  let database: DatabaseHandle;
  before(async () => {
    database = await openDatabase({ dataDir: path.join(tempDir(), 'pgdata') });
  });
  after(() => database.close());

  const attempt = (id: string, text: string) => ({
    id,
    runId: 'run-json',
    problemId: 'p',
    round: 1,
    solverModel: 'm',
    sampleIndex: 0,
    text,
    extractedAnswer: null,
    completionTokens: 7,
  });

  it('stores text as given, quotes, backslashes and surrogate pairs included; a key already there is left alone', async () => {
    const texts = [
      'plain',
      'quote " and \\ backslash, \\u0041 written out, \\ud800 written out',
      'pair 😀 and accents é',
      'line\nbreak\ttab',
    ];
    await insertRowsAsJson(
      database.db,
      attempts,
      texts.map((text, i) => attempt(`a${i}`, text)),
    );
    await insertRowsAsJson(database.db, attempts, [attempt('a0', 'a second write')]);
    const rows = await database.db
      .select()
      .from(attempts)
      .where(eq(attempts.runId, 'run-json'))
      .orderBy(attempts.id);
    assert.deepEqual(
      rows.map((r) => r.text),
      texts,
    );
    assert.ok(rows.every((r) => r.extractedAnswer === null && r.completionTokens === 7));
    assert.ok(rows.every((r) => r.correct === null && r.ruleVerdict === null));
  });

  it('stores a lone surrogate as U+FFFD and drops a NUL, where jsonb would refuse both', async () => {
    await insertRowsAsJson(database.db, attempts, [attempt('lone', 'a\ud800b\u0000c\udc00')]);
    const [row] = await database.db.select().from(attempts).where(eq(attempts.id, 'lone'));
    assert.equal(row!.text, 'a\ufffdbc\ufffd');
    assert.equal(jsonText(JSON.stringify('\\ud800')), JSON.stringify('\\ud800'));
  });

  it('stores jsonb columns and keeps the columns’ defaults for fields no row gives', async () => {
    await insertRowsAsJson(database.db, llmCalls, [
      {
        key: 'k-json',
        role: 'solver',
        model: 'm',
        promptVersion: 'v',
        request: { messages: [{ role: 'user', content: 'x "y"' }], n: 2 },
        choices: ['one', 'two \\boxed{2}'],
        promptTokens: null,
        completionTokens: 12,
        runId: 'run-json',
        round: 1,
      },
    ]);
    const [row] = await database.db.select().from(llmCalls).where(eq(llmCalls.key, 'k-json'));
    assert.deepEqual(row!.request, { messages: [{ role: 'user', content: 'x "y"' }], n: 2 });
    assert.deepEqual(row!.choices, ['one', 'two \\boxed{2}']);
    assert.equal(row!.promptTokens, null);
    assert.ok(row!.createdAt instanceof Date);
  });
});
