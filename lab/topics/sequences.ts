// Sequences: arithmetic term and sum, geometric term and sum, a linear recurrence.
import { defineForm, type Form, ordinal } from '../form';
import { rational } from '../rational';

interface Progression {
  first: number;
  step: number;
  n: number;
}

const list = (p: Progression, geometric: boolean) =>
  [0, 1, 2].map((i) => (geometric ? p.first * p.step ** i : p.first + i * p.step)).join(', ');

/** Reads "a, b, c" back as first term and step; null when it is not such a progression. */
function readProgression(terms: string, n: number, geometric: boolean): Progression {
  const [a, b, c] = terms.split(', ').map(Number) as [number, number, number];
  const step = geometric ? b / a : b - a;
  const consistent = geometric
    ? a !== 0 && b * b === a * c && Number.isInteger(step)
    : c - b === step;
  if (!consistent) throw new Error('not a progression');
  return { first: a, step, n };
}

const arithmeticTerm = (p: Progression) => p.first + (p.n - 1) * p.step;
const arithmeticSum = (p: Progression) => (p.n * (2 * p.first + (p.n - 1) * p.step)) / 2;
const geometricTerm = (p: Progression) => p.first * p.step ** (p.n - 1);
const geometricSum = (p: Progression) => {
  let sum = 0;
  for (let i = 0; i < p.n; i++) sum += p.first * p.step ** i;
  return sum;
};

const TERMS = '(?<terms>-?\\d+, -?\\d+, -?\\d+)';

const arithmeticNth = defineForm<Progression>({
  topic: 'sequences',
  difficulty: 1,
  draw: (rng) => ({ first: rng.int(-10, 20), step: rng.int(-6, 9) || 4, n: rng.int(5, 30) }),
  render: (p) =>
    `In the arithmetic sequence ${list(p, false)}, \\ldots, find the ${ordinal(p.n)} term.`,
  pattern: new RegExp(
    `In the arithmetic sequence ${TERMS}, \\\\ldots, find the (?<n>\\d+)(?:st|nd|rd|th) term\\.`,
  ),
  read: (g) => readProgression(g.terms ?? '', Number(g.n), false),
  valid: (p) => p.n >= 1,
  solve: (p) => rational(arithmeticTerm(p)),
  explain: (p) => [
    `The common difference is ${p.step}, so the term is ${p.first} + ${p.n - 1} \\times ${p.step}.`,
    `That is ${arithmeticTerm(p)}.`,
  ],
});

const arithmeticSeries = defineForm<Progression>({
  topic: 'sequences',
  difficulty: 2,
  draw: (rng) => ({ first: rng.int(-10, 20), step: rng.int(-5, 9) || 3, n: rng.int(6, 25) }),
  render: (p) =>
    `In the arithmetic sequence ${list(p, false)}, \\ldots, find the sum of the first ${p.n} terms.`,
  pattern: new RegExp(
    `In the arithmetic sequence ${TERMS}, \\\\ldots, find the sum of the first (?<n>\\d+) terms\\.`,
  ),
  read: (g) => readProgression(g.terms ?? '', Number(g.n), false),
  valid: (p) => p.n >= 1,
  solve: (p) => rational(arithmeticSum(p)),
  explain: (p) => [
    `The last term is ${arithmeticTerm(p)}; the sum is n(first + last)/2.`,
    `${p.n}(${p.first} + ${arithmeticTerm(p)})/2 = ${arithmeticSum(p)}.`,
  ],
});

const geometricNth = defineForm<Progression>({
  topic: 'sequences',
  difficulty: 3,
  draw: (rng) => ({ first: rng.int(1, 9), step: rng.pick([-3, -2, 2, 3, 4, 5]), n: rng.int(4, 8) }),
  render: (p) =>
    `In the geometric sequence ${list(p, true)}, \\ldots, find the ${ordinal(p.n)} term.`,
  pattern: new RegExp(
    `In the geometric sequence ${TERMS}, \\\\ldots, find the (?<n>\\d+)(?:st|nd|rd|th) term\\.`,
  ),
  read: (g) => readProgression(g.terms ?? '', Number(g.n), true),
  valid: (p) => p.n >= 1 && Math.abs(geometricTerm(p)) < 1e12,
  solve: (p) => rational(geometricTerm(p)),
  explain: (p) => [
    `The common ratio is ${p.step}, so the term is ${p.first} \\times ${p.step}^{${p.n - 1}}.`,
    `That is ${geometricTerm(p)}.`,
  ],
});

const geometricSeries = defineForm<Progression>({
  topic: 'sequences',
  difficulty: 4,
  draw: (rng) => ({ first: rng.int(1, 9), step: rng.pick([-2, 2, 3, 4]), n: rng.int(4, 8) }),
  render: (p) =>
    `In the geometric sequence ${list(p, true)}, \\ldots, find the sum of the first ${p.n} terms.`,
  pattern: new RegExp(
    `In the geometric sequence ${TERMS}, \\\\ldots, find the sum of the first (?<n>\\d+) terms\\.`,
  ),
  read: (g) => readProgression(g.terms ?? '', Number(g.n), true),
  valid: (p) => p.n >= 1 && Math.abs(geometricSum(p)) < 1e12,
  solve: (p) => rational(geometricSum(p)),
  explain: (p) => [
    `The sum is first \\times (r^n - 1)/(r - 1) with r = ${p.step}, n = ${p.n}.`,
    `That is ${geometricSum(p)}.`,
  ],
});

interface Recurrence {
  a1: number;
  a2: number;
  p: number;
  q: number;
  n: number;
}

function recurrenceTerm({ a1, a2, p, q, n }: Recurrence): number {
  let [prev, cur] = [a1, a2];
  for (let i = 3; i <= n; i++) [prev, cur] = [cur, p * cur + q * prev];
  return n === 1 ? a1 : cur;
}

const recurrence = defineForm<Recurrence>({
  topic: 'sequences',
  difficulty: 5,
  draw: (rng) => ({
    a1: rng.int(1, 9),
    a2: rng.int(1, 12),
    p: rng.int(1, 5),
    q: rng.int(1, 5),
    n: rng.int(6, 10),
  }),
  render: (r) =>
    `Let a_1 = ${r.a1}, a_2 = ${r.a2} and a_n = ${r.p}a_{n-1} + ${r.q}a_{n-2}. Find a_{${r.n}}.`,
  pattern:
    /Let a_1 = (?<a1>-?\d+), a_2 = (?<a2>-?\d+) and a_n = (?<p>\d+)a_\{n-1\} \+ (?<q>\d+)a_\{n-2\}\. Find a_\{(?<n>\d+)\}\./,
  read: (g) => ({
    a1: Number(g.a1),
    a2: Number(g.a2),
    p: Number(g.p),
    q: Number(g.q),
    n: Number(g.n),
  }),
  valid: (r) => r.n >= 1 && r.n <= 40 && Math.abs(recurrenceTerm(r)) < 1e12,
  solve: (r) => rational(recurrenceTerm(r)),
  explain: (r) => {
    const terms = Array.from({ length: r.n }, (_, i) => recurrenceTerm({ ...r, n: i + 1 }));
    return [`The terms are ${terms.join(', ')}.`, `So a_{${r.n}} = ${recurrenceTerm(r)}.`];
  },
});

export const sequenceForms: Form[] = [
  arithmeticNth,
  arithmeticSeries,
  geometricNth,
  geometricSeries,
  recurrence,
];
