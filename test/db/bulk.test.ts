// Batched reads and group commits (db/bulk.ts) over stand-in statements: what each caller
// gets, and how many statements serve them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchedReads, GroupCommit } from '../../db/bulk';

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
    }, 10);
    const callers = [[1, 2], [3], [4, 5, 6]].map((rows) =>
      commit.add(rows).then(() => rows.every((row) => stored.has(row))),
    );
    assert.deepEqual(await Promise.all(callers), [true, true, true]);
    assert.deepEqual(statements, [[1, 2, 3, 4, 5, 6]]);
  });

  it('keeps a caller’s rows in one group and groups at most maxRows', async () => {
    const statements: number[][] = [];
    const commit = new GroupCommit<number>(async (rows) => {
      statements.push(rows);
    }, 4);
    await Promise.all([commit.add([1, 2, 3]), commit.add([4, 5]), commit.add([6]), commit.add([])]);
    assert.deepEqual(statements, [
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('rows that arrive while a group is written go in the next group', async () => {
    const statements: number[][] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const commit = new GroupCommit<number>(async (rows) => {
      statements.push(rows);
      if (statements.length === 1) await held;
    });
    const first = commit.add([1]);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const later = [commit.add([2]), commit.add([3])];
    release();
    await Promise.all([first, ...later]);
    assert.deepEqual(statements, [[1], [2, 3]]);
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
