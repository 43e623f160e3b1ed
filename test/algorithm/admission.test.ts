import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admit, normaliseProblemText, TextIndex } from '../../algorithm';

const limits = { nearDuplicateJaccard: 0.8, maxBenchmarkOverlap: 0.5 };

function index(texts: string[], n = 8) {
  const idx = new TextIndex(n);
  for (const t of texts) idx.add(t);
  return idx;
}

const curriculum = index([
  'What is the sum of the first 20 positive odd integers, starting from 1 and counting up?',
]);
const benchmarks = index([
  'Let $f(x) = 3x^2 - 5$. Find the value of $f(f(1))$ when the function is applied twice in a row.',
]);
const fresh = {
  text: 'How many positive divisors does 360 have?',
  answer: '24',
  answerParses: true,
};

test('a fresh problem with a parseable answer is admitted', () => {
  assert.deepEqual(admit(fresh, curriculum, benchmarks, limits), { admitted: true });
});

test('empty and unparseable answers are rejected', () => {
  assert.equal(admit({ ...fresh, answer: '  ' }, curriculum, benchmarks, limits).admitted, false);
  const r = admit({ ...fresh, answerParses: false }, curriculum, benchmarks, limits);
  assert.equal(!r.admitted && r.reason, 'unparseable-answer');
});

test('duplicates are caught after normalisation', () => {
  const r = admit(
    {
      ...fresh,
      text: 'WHAT is the sum of the first 20   positive odd integers, starting from 1 and counting up??',
    },
    curriculum,
    benchmarks,
    limits,
  );
  assert.equal(!r.admitted && r.reason, 'duplicate');
  assert.equal(
    normaliseProblemText('Find $\\dfrac{1}{2}$ !'),
    normaliseProblemText('find $\\frac{1}{2}$'),
  );
});

test('near-duplicates are caught by trigram similarity', () => {
  const r = admit(
    {
      ...fresh,
      text: 'What is the sum of the first 20 positive odd integers, starting from 1 and counting up? Show work.',
    },
    curriculum,
    benchmarks,
    limits,
  );
  assert.equal(!r.admitted && r.reason, 'near-duplicate');
});

test('n-gram overlap with a benchmark is decontaminated', () => {
  const r = admit(
    {
      ...fresh,
      text: 'Let $f(x) = 3x^2 - 5$. Find the value of $f(f(1))$ when the function is applied twice.',
    },
    index([]),
    benchmarks,
    limits,
  );
  assert.equal(!r.admitted && r.reason, 'benchmark-overlap');
});
