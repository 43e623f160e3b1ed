// A problem form: one template of one topic at one difficulty. It can draw fresh
// parameters, render them as a statement, find that statement again inside any
// text (that is what keeps the lab stateless), and solve it exactly.
import type { Rational } from './rational';
import { formatRational } from './rational';
import type { Rng } from './rng';

export const TOPICS = [
  'arithmetic',
  'algebra',
  'number-theory',
  'counting',
  'geometry',
  'probability',
  'sequences',
] as const;
export type Topic = (typeof TOPICS)[number];

export const MIN_DIFFICULTY = 1;
export const MAX_DIFFICULTY = 5;

export interface FormSpec<P> {
  topic: Topic;
  difficulty: number;
  draw(rng: Rng): P;
  render(params: P): string;
  /** Finds the statement anywhere in a text; its groups are read back by `read`. Not global. */
  pattern: RegExp;
  read(groups: Record<string, string>): P;
  solve(params: P): Rational;
  /** A few lines of worked solution (the Teacher's reference solutions, the Solver's reasoning). */
  explain(params: P): string[];
  /** Some matches of the pattern may not be a valid problem (e.g. a zero divisor). */
  valid?(params: P): boolean;
}

export interface Solved {
  text: string;
  answer: string;
  steps: string[];
}

/** A form with its parameter type erased, so forms of every shape can share one list. */
export interface Form {
  topic: Topic;
  difficulty: number;
  generate(rng: Rng): Solved;
  /** The earliest statement of this form in the text, solved, or null. */
  find(text: string): (Solved & { index: number }) | null;
}

export function defineForm<P>(spec: FormSpec<P>): Form {
  const solved = (params: P, text: string): Solved => ({
    text,
    answer: formatRational(spec.solve(params)),
    steps: spec.explain(params),
  });
  return {
    topic: spec.topic,
    difficulty: spec.difficulty,
    generate(rng) {
      // Rejection sampling: some draws are degenerate (a zero area, an answer too large).
      for (let attempt = 0; attempt < 100; attempt++) {
        const params = spec.draw(rng);
        if (spec.valid && !spec.valid(params)) continue;
        return solved(params, spec.render(params));
      }
      throw new Error(`cannot draw a valid ${spec.topic} problem at difficulty ${spec.difficulty}`);
    },
    find(text) {
      const match = spec.pattern.exec(text);
      if (!match) return null;
      try {
        const params = spec.read(match.groups ?? {});
        if (spec.valid && !spec.valid(params)) return null;
        return { ...solved(params, match[0]), index: match.index };
      } catch {
        return null;
      }
    },
  };
}

/** Integer parameter from a named regex group. */
export function num(groups: Record<string, string>, name: string): number {
  const value = Number(groups[name]);
  if (!Number.isSafeInteger(value)) throw new Error(`bad number in group ${name}`);
  return value;
}

export const NAMES = [
  'Ana',
  'Ben',
  'Carla',
  'Dev',
  'Eli',
  'Farah',
  'Gus',
  'Hana',
  'Ivo',
  'Jun',
  'Kemi',
  'Luis',
];
export const COLORS = ['red', 'blue', 'green', 'yellow', 'white', 'black', 'purple', 'orange'];
export const THINGS = ['books', 'flags', 'chairs', 'lamps', 'mugs', 'plants', 'shirts', 'coins'];
export const BEADS = ['marbles', 'beads', 'balls', 'chips', 'cubes', 'tokens'];

/** 1st, 2nd, 3rd, 4th, 11th, 21st… */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

export function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

export function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

export function permutations(n: number, k: number): number {
  let p = 1;
  for (let i = 0; i < k; i++) p *= n - i;
  return p;
}
