import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replayCount, roundSet, seededShuffle, splitOf, utilityWeight } from '../../algorithm';

const ids = (n: number, prefix = 'p') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

test('round 1 is the seeds, with no replay', () => {
  assert.deepEqual(
    roundSet({ round: 1, seed: 1, replayRatio: 0.25, fresh: ['b', 'a'], older: ['c'] }),
    {
      fresh: ['a', 'b'],
      replay: [],
    },
  );
});

test('later rounds replay replayRatio × |new| older problems, seeded', () => {
  const input = { round: 3, seed: 42, replayRatio: 0.25, fresh: ids(40, 'n'), older: ids(100) };
  const a = roundSet(input);
  assert.equal(a.replay.length, 10);
  assert.ok(a.replay.every((id) => input.older.includes(id)));
  assert.deepEqual(
    roundSet({ ...input, older: [...input.older].reverse() }),
    a,
    'independent of input order',
  );
  assert.notDeepEqual(
    roundSet({ ...input, seed: 43 }).replay,
    a.replay,
    'another seed draws another sample',
  );
  assert.notDeepEqual(
    roundSet({ ...input, round: 4 }).replay,
    a.replay,
    'another round draws another sample',
  );
});

test('replay never asks for more than there is', () => {
  assert.equal(replayCount(40, 0.25, 3), 3);
  assert.equal(replayCount(2, 0.25, 100), 1);
  assert.equal(
    roundSet({ round: 2, seed: 1, replayRatio: 0.5, fresh: ids(10), older: [] }).replay.length,
    0,
  );
});

test('seeded shuffle is a permutation', () => {
  const items = ids(50);
  assert.deepEqual([...seededShuffle(items, 7)].sort(), [...items].sort());
});

test('utility weight peaks at μ and falls off with σ', () => {
  assert.equal(utilityWeight(0.5), 1);
  assert.ok(Math.abs(utilityWeight(0.3) - Math.exp(-0.5)) < 1e-12);
  assert.ok(Math.abs(utilityWeight(0.7) - utilityWeight(0.3)) < 1e-12);
  assert.ok(utilityWeight(0) < 0.05 && utilityWeight(1) < 0.05);
  assert.ok(Math.abs(utilityWeight(0.9, 0.8, 0.1) - Math.exp(-0.5)) < 1e-12);
});

test('the validation split is about the configured fraction and stable', () => {
  const keys = ids(2000, 'pair');
  const validation = keys.filter((k) => splitOf(k, 0.1) === 'validation').length;
  assert.ok(validation > 150 && validation < 250, `got ${validation}`);
  assert.equal(splitOf('x', 0.1), splitOf('x', 0.1));
});
