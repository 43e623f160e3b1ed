// Number theory: remainders, gcd, lcm, gcd of three, and a remainder of a power.
import { defineForm, type Form } from '../form';
import { gcd, lcm, rational } from '../rational';

function powMod(base: number, exponent: number, modulus: number): number {
  let result = 1;
  let b = base % modulus;
  for (let e = exponent; e > 0; e >>= 1) {
    if (e & 1) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

const remainder = defineForm<{ a: number; m: number }>({
  topic: 'number-theory',
  difficulty: 1,
  draw: (rng) => ({ a: rng.int(20, 199), m: rng.int(3, 12) }),
  render: ({ a, m }) => `Find the remainder when ${a} is divided by ${m}.`,
  pattern: /Find the remainder when (?<a>\d+) is divided by (?<m>\d+)\./,
  read: (g) => ({ a: Number(g.a), m: Number(g.m) }),
  valid: ({ m }) => m > 1,
  solve: ({ a, m }) => rational(a % m),
  explain: ({ a, m }) => [
    `${a} = ${m} \\times ${Math.floor(a / m)} + ${a % m}.`,
    `So the remainder is ${a % m}.`,
  ],
});

const gcdTwo = defineForm<{ a: number; b: number }>({
  topic: 'number-theory',
  difficulty: 2,
  draw: (rng) => {
    const g = rng.int(2, 18);
    return { a: g * rng.int(2, 15), b: g * rng.int(2, 15) };
  },
  render: ({ a, b }) => `Find the greatest common divisor of ${a} and ${b}.`,
  pattern: /Find the greatest common divisor of (?<a>\d+) and (?<b>\d+)\./,
  read: (g) => ({ a: Number(g.a), b: Number(g.b) }),
  valid: ({ a, b }) => a !== b && a > 0 && b > 0,
  solve: ({ a, b }) => rational(gcd(a, b)),
  explain: ({ a, b }) => [
    `By the Euclidean algorithm on ${a} and ${b}.`,
    `The greatest common divisor is ${gcd(a, b)}.`,
  ],
});

const lcmTwo = defineForm<{ a: number; b: number }>({
  topic: 'number-theory',
  difficulty: 3,
  draw: (rng) => {
    const g = rng.int(2, 9);
    return { a: g * rng.int(2, 12), b: g * rng.int(2, 12) };
  },
  render: ({ a, b }) => `Find the least common multiple of ${a} and ${b}.`,
  pattern: /Find the least common multiple of (?<a>\d+) and (?<b>\d+)\./,
  read: (g) => ({ a: Number(g.a), b: Number(g.b) }),
  valid: ({ a, b }) => a !== b && a > 0 && b > 0,
  solve: ({ a, b }) => rational(lcm(a, b)),
  explain: ({ a, b }) => [
    `gcd(${a}, ${b}) = ${gcd(a, b)}, and lcm = ${a} \\times ${b} / ${gcd(a, b)}.`,
    `The least common multiple is ${lcm(a, b)}.`,
  ],
});

const gcdThree = defineForm<{ a: number; b: number; c: number }>({
  topic: 'number-theory',
  difficulty: 4,
  draw: (rng) => {
    const g = rng.int(2, 15);
    return { a: g * rng.int(2, 20), b: g * rng.int(2, 20), c: g * rng.int(2, 20) };
  },
  render: ({ a, b, c }) => `Find the greatest common divisor of ${a}, ${b}, and ${c}.`,
  pattern: /Find the greatest common divisor of (?<a>\d+), (?<b>\d+), and (?<c>\d+)\./,
  read: (g) => ({ a: Number(g.a), b: Number(g.b), c: Number(g.c) }),
  valid: ({ a, b, c }) => a > 0 && b > 0 && c > 0 && new Set([a, b, c]).size === 3,
  solve: ({ a, b, c }) => rational(gcd(gcd(a, b), c)),
  explain: ({ a, b, c }) => [
    `gcd(${a}, ${b}) = ${gcd(a, b)}.`,
    `gcd(${gcd(a, b)}, ${c}) = ${gcd(gcd(a, b), c)}.`,
  ],
});

const powerRemainder = defineForm<{ base: number; exponent: number; m: number }>({
  topic: 'number-theory',
  difficulty: 5,
  draw: (rng) => ({
    base: rng.int(2, 19),
    exponent: rng.int(10, 99),
    m: rng.pick([5, 7, 9, 11, 13, 17]),
  }),
  render: ({ base, exponent, m }) =>
    `Find the remainder when ${base}^{${exponent}} is divided by ${m}.`,
  pattern: /Find the remainder when (?<base>\d+)\^\{(?<exponent>\d+)\} is divided by (?<m>\d+)\./,
  read: (g) => ({ base: Number(g.base), exponent: Number(g.exponent), m: Number(g.m) }),
  valid: ({ base, m }) => m > 1 && base % m !== 0,
  solve: ({ base, exponent, m }) => rational(powMod(base, exponent, m)),
  explain: ({ base, exponent, m }) => [
    `The powers of ${base} modulo ${m} repeat; reduce the exponent ${exponent} along the cycle.`,
    `So ${base}^{${exponent}} \\equiv ${powMod(base, exponent, m)} \\pmod{${m}}.`,
  ],
});

export const numberTheoryForms: Form[] = [remainder, gcdTwo, lcmTwo, gcdThree, powerRemainder];
