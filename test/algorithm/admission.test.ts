import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerParses, problemId } from '../../activities/admit';
import { admit, jaccard, normaliseProblemText, TextIndex, wordNgrams } from '../../algorithm';

const limits = { nearDuplicateJaccard: 0.8, maxBenchmarkOverlap: 0.5, maxProblemChars: 500 };

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

test('an answer MathRule cannot read is unparseable; maths, letters and prose are not', () => {
  for (const answer of ['24', '\\frac{1}{2}', '[0,1)', '(B)', 'yes', '\\boxed{7}'])
    assert.equal(answerParses(answer), true, answer);
  for (const answer of [
    '\\frac{1}{',
    'x^2+',
    '(1, 2',
    '\\sqrt{',
    '\\boxed{}',
    '',
    'x'.repeat(3000),
  ])
    assert.equal(answerParses(answer), false, answer);
});

test('a problem text longer than the cap is rejected before anything else', () => {
  const r = admit(
    { ...fresh, text: `${fresh.text} ${'and more '.repeat(60)}` },
    curriculum,
    benchmarks,
    limits,
  );
  assert.equal(!r.admitted && r.reason, 'too-long');
  assert.match(!r.admitted ? r.detail : '', /at most 500/);
});

test("non-ASCII symbols are part of a problem's identity", () => {
  const a = 'Find all x with x ≥ 2 and x ≤ 5.';
  const b = 'Find all x with x ≤ 2 and x ≥ 5.';
  assert.notEqual(normaliseProblemText(a), normaliseProblemText(b));
  assert.notEqual(problemId('run', a), problemId('run', b));
  const r = admit({ ...fresh, text: b }, index([a]), index([]), limits);
  assert.equal(r.admitted, true, JSON.stringify(r));
  // NFC: a composed and a decomposed é are the same problem.
  assert.equal(
    problemId('run', 'Combien de côtés a un hexagone régulier ?'),
    problemId('run', 'Combien de co\u0302te\u0301s a un hexagone re\u0301gulier ?'),
  );
});

test('problems in other scripts are neither near-duplicates of each other nor free of decontamination', () => {
  const curriculumRu = index(['Найдите сумму первых двадцати положительных нечётных чисел.']);
  const other = { ...fresh, text: 'Сколько положительных делителей у числа 360?' };
  assert.deepEqual(admit(other, curriculumRu, index([]), limits), { admitted: true });
  const chinese = '求所有满足条件的正整数的个数并说明理由';
  assert.deepEqual(
    admit({ ...fresh, text: '三角形的内角和是多少度' }, index([chinese]), index([]), limits),
    {
      admitted: true,
    },
  );
  const r = admit({ ...fresh, text: `${chinese}。` }, index([]), index([chinese]), limits);
  assert.equal(!r.admitted && r.reason, 'benchmark-overlap');
  assert.ok(wordNgrams('Сколько делителей у числа 360?', 3).size > 0);
  assert.equal(jaccard(new Set(), new Set()), 0);
});
