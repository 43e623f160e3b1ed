// Probability with exact fractions: one draw, two dice, two draws without
// replacement, coin flips, and exactly j of three draws.
import { BEADS, COLORS, choose, defineForm, type Form, NAMES } from '../form';
import { formatRational, rational } from '../rational';
import type { Rng } from '../rng';

interface Bag {
  r: number;
  c1: string;
  b: number;
  c2: string;
  beads: string;
}

function drawBag(rng: Rng, min: number, max: number): Bag {
  const c1 = rng.pick(COLORS);
  let c2 = rng.pick(COLORS);
  while (c2 === c1) c2 = rng.pick(COLORS);
  return { r: rng.int(min, max), c1, b: rng.int(min, max), c2, beads: rng.pick(BEADS) };
}

const BAG = '(?<r>\\d+) (?<c1>[a-z]+) and (?<b>\\d+) (?<c2>[a-z]+) (?<beads>[a-z]+)';
const readBag = (g: Record<string, string>): Bag => ({
  r: Number(g.r),
  c1: g.c1 ?? '',
  b: Number(g.b),
  c2: g.c2 ?? '',
  beads: g.beads ?? '',
});
const validBag = (bag: Bag) => bag.c1 !== bag.c2 && bag.r > 0 && bag.b > 0 && bag.r + bag.b <= 60;

const oneDraw = defineForm<Bag>({
  topic: 'probability',
  difficulty: 1,
  draw: (rng) => drawBag(rng, 1, 12),
  render: ({ r, c1, b, c2, beads }) =>
    `A bag holds ${r} ${c1} and ${b} ${c2} ${beads}. Find the chance one drawn at random is ${c1}.`,
  pattern: new RegExp(
    `A bag holds ${BAG}\\. Find the chance one drawn at random is (?<asked>[a-z]+)\\.`,
  ),
  read: (g) => {
    if (g.asked !== g.c1) throw new Error('asked colour is not the first');
    return readBag(g);
  },
  valid: validBag,
  solve: ({ r, b }) => rational(r, r + b),
  explain: ({ r, b }) => [
    `${r} favourable out of ${r + b} equally likely.`,
    `The probability is ${formatRational(rational(r, r + b))}.`,
  ],
});

function sumWays(sides: number, total: number): number {
  let ways = 0;
  for (let i = 1; i <= sides; i++) if (total - i >= 1 && total - i <= sides) ways++;
  return ways;
}

const dice = defineForm<{ name: string; sides: number; total: number }>({
  topic: 'probability',
  difficulty: 2,
  draw: (rng) => {
    const sides = rng.pick([4, 6, 8, 10, 12, 20]);
    return { name: rng.pick(NAMES), sides, total: rng.int(3, 2 * sides - 1) };
  },
  render: ({ name, sides, total }) =>
    `Find P(sum = ${total}) when ${name} rolls two fair ${sides}-sided dice.`,
  pattern:
    /Find P\(sum = (?<total>\d+)\) when (?<name>[A-Z][a-z]+) rolls two fair (?<sides>\d+)-sided dice\./,
  read: (g) => ({ name: g.name ?? '', sides: Number(g.sides), total: Number(g.total) }),
  valid: ({ sides, total }) => sides >= 2 && sides <= 20 && sumWays(sides, total) > 0,
  solve: ({ sides, total }) => rational(sumWays(sides, total), sides * sides),
  explain: ({ sides, total }) => [
    `${sumWays(sides, total)} of the ${sides * sides} ordered outcomes sum to ${total}.`,
    `The probability is ${formatRational(rational(sumWays(sides, total), sides * sides))}.`,
  ],
});

const twoDraws = defineForm<Bag>({
  topic: 'probability',
  difficulty: 3,
  draw: (rng) => drawBag(rng, 2, 12),
  render: ({ r, c1, b, c2, beads }) =>
    `A bag holds ${r} ${c1} and ${b} ${c2} ${beads}. Two are drawn without replacement. Find the chance both are ${c1}.`,
  pattern: new RegExp(
    `A bag holds ${BAG}\\. Two are drawn without replacement\\. Find the chance both are (?<asked>[a-z]+)\\.`,
  ),
  read: (g) => {
    if (g.asked !== g.c1) throw new Error('asked colour is not the first');
    return readBag(g);
  },
  valid: (bag) => validBag(bag) && bag.r >= 2,
  solve: ({ r, b }) => rational(r * (r - 1), (r + b) * (r + b - 1)),
  explain: ({ r, b }) => [
    `First ${r}/${r + b}, then ${r - 1}/${r + b - 1}.`,
    `The product is ${formatRational(rational(r * (r - 1), (r + b) * (r + b - 1)))}.`,
  ],
});

const coins = defineForm<{ name: string; n: number; k: number; face: string }>({
  topic: 'probability',
  difficulty: 4,
  draw: (rng) => {
    const n = rng.int(4, 12);
    return { name: rng.pick(NAMES), n, k: rng.int(1, n - 1), face: rng.pick(['heads', 'tails']) };
  },
  render: ({ name, n, k, face }) =>
    `${name} flips a fair coin ${n} times. Find P(exactly ${k} ${face}).`,
  pattern:
    /(?<name>[A-Z][a-z]+) flips a fair coin (?<n>\d+) times\. Find P\(exactly (?<k>\d+) (?<face>heads|tails)\)\./,
  read: (g) => ({ name: g.name ?? '', n: Number(g.n), k: Number(g.k), face: g.face ?? '' }),
  valid: ({ n, k }) => n >= 1 && n <= 20 && k <= n,
  solve: ({ n, k }) => rational(choose(n, k), 2 ** n),
  explain: ({ n, k }) => [
    `\\binom{${n}}{${k}} = ${choose(n, k)} of the 2^{${n}} = ${2 ** n} sequences qualify.`,
    `The probability is ${formatRational(rational(choose(n, k), 2 ** n))}.`,
  ],
});

const exactlyOfThree = defineForm<Bag & { j: number }>({
  topic: 'probability',
  difficulty: 5,
  draw: (rng) => ({ ...drawBag(rng, 3, 10), j: rng.int(1, 2) }),
  render: ({ r, c1, b, c2, beads, j }) =>
    `A bag holds ${r} ${c1} and ${b} ${c2} ${beads}. Three are drawn without replacement. Find the chance exactly ${j} ${j === 1 ? 'is' : 'are'} ${c1}.`,
  pattern: new RegExp(
    `A bag holds ${BAG}\\. Three are drawn without replacement\\. Find the chance exactly (?<j>\\d+) (?:is|are) (?<asked>[a-z]+)\\.`,
  ),
  read: (g) => {
    if (g.asked !== g.c1) throw new Error('asked colour is not the first');
    return { ...readBag(g), j: Number(g.j) };
  },
  valid: (bag) => validBag(bag) && bag.j >= 0 && bag.j <= 3 && bag.r >= bag.j && bag.b >= 3 - bag.j,
  solve: ({ r, b, j }) => rational(choose(r, j) * choose(b, 3 - j), choose(r + b, 3)),
  explain: ({ r, b, j }) => [
    `\\binom{${r}}{${j}}\\binom{${b}}{${3 - j}} = ${choose(r, j) * choose(b, 3 - j)} favourable of \\binom{${r + b}}{3} = ${choose(r + b, 3)}.`,
    `The probability is ${formatRational(rational(choose(r, j) * choose(b, 3 - j), choose(r + b, 3)))}.`,
  ],
});

export const probabilityForms: Form[] = [oneDraw, dice, twoDraws, coins, exactlyOfThree];
