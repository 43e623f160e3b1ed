import assert from 'node:assert/strict';
import { test } from 'node:test';
import { preferencePairs } from '../../algorithm';

const attempts = (pattern: string) =>
  [...pattern].map((c, i) => ({ id: `a${i}`, correct: c === '1' }));

test('pairs are the full Cartesian product of correct × wrong attempts', () => {
  const pairs = preferencePairs(attempts('1100'));
  assert.deepEqual(pairs, [
    { chosenAttemptId: 'a0', rejectedAttemptId: 'a2' },
    { chosenAttemptId: 'a0', rejectedAttemptId: 'a3' },
    { chosenAttemptId: 'a1', rejectedAttemptId: 'a2' },
    { chosenAttemptId: 'a1', rejectedAttemptId: 'a3' },
  ]);
});

test('k = 8 gives at most 16 pairs, reached at 4 correct', () => {
  const counts = [0, 1, 2, 3, 4, 5, 6, 7, 8].map(
    (c) => preferencePairs(attempts('1'.repeat(c) + '0'.repeat(8 - c))).length,
  );
  assert.deepEqual(counts, [8, 7, 12, 15, 16, 15, 12, 7, 0]);
});

test('all wrong: the reference solution is the winner of every pair', () => {
  const pairs = preferencePairs(attempts('000'));
  assert.equal(pairs.length, 3);
  assert.ok(pairs.every((p) => p.chosenAttemptId === null));
  assert.deepEqual(
    pairs.map((p) => p.rejectedAttemptId),
    ['a0', 'a1', 'a2'],
  );
});

test('mastered problems give no pairs', () => {
  assert.deepEqual(preferencePairs(attempts('1111')), []);
});
