// Counting: arrangements, combinations, ordered selections, words with repeated
// letters, and "at least one" by complement.
import { choose, defineForm, type Form, factorial, NAMES, permutations, THINGS } from '../form';
import { rational } from '../rational';

const arrange = defineForm<{ name: string; n: number; things: string }>({
  topic: 'counting',
  difficulty: 1,
  draw: (rng) => ({ name: rng.pick(NAMES), n: rng.int(3, 8), things: rng.pick(THINGS) }),
  render: ({ name, n, things }) =>
    `In how many ways can ${name} line up ${n} distinct ${things} in a row?`,
  pattern:
    /In how many ways can (?<name>[A-Z][a-z]+) line up (?<n>\d+) distinct (?<things>[a-z]+) in a row\?/,
  read: (g) => ({ name: g.name ?? '', n: Number(g.n), things: g.things ?? '' }),
  valid: ({ n }) => n >= 1 && n <= 12,
  solve: ({ n }) => rational(factorial(n)),
  explain: ({ n }) => [`There are ${n}! orderings.`, `${n}! = ${factorial(n)}.`],
});

const pick = defineForm<{ name: string; k: number; n: number; things: string }>({
  topic: 'counting',
  difficulty: 2,
  draw: (rng) => {
    const n = rng.int(5, 14);
    return {
      name: rng.pick(NAMES),
      k: rng.int(2, Math.min(5, n - 2)),
      n,
      things: rng.pick(THINGS),
    };
  },
  render: ({ name, k, n, things }) => `In how many ways can ${name} pick ${k} of ${n} ${things}?`,
  pattern:
    /In how many ways can (?<name>[A-Z][a-z]+) pick (?<k>\d+) of (?<n>\d+) (?<things>[a-z]+)\?/,
  read: (g) => ({ name: g.name ?? '', k: Number(g.k), n: Number(g.n), things: g.things ?? '' }),
  valid: ({ k, n }) => k >= 1 && k <= n && n <= 30,
  solve: ({ k, n }) => rational(choose(n, k)),
  explain: ({ k, n }) => [
    `Order does not matter, so count combinations: \\binom{${n}}{${k}}.`,
    `\\binom{${n}}{${k}} = ${choose(n, k)}.`,
  ],
});

const give = defineForm<{ name: string; k: number; n: number; things: string }>({
  topic: 'counting',
  difficulty: 3,
  draw: (rng) => {
    const n = rng.int(5, 12);
    return {
      name: rng.pick(NAMES),
      k: rng.int(2, Math.min(4, n - 1)),
      n,
      things: rng.pick(THINGS),
    };
  },
  render: ({ name, k, n, things }) =>
    `In how many ways can ${name} give ${k} different ${things} to ${n} friends, at most one each?`,
  pattern:
    /In how many ways can (?<name>[A-Z][a-z]+) give (?<k>\d+) different (?<things>[a-z]+) to (?<n>\d+) friends, at most one each\?/,
  read: (g) => ({ name: g.name ?? '', k: Number(g.k), n: Number(g.n), things: g.things ?? '' }),
  valid: ({ k, n }) => k >= 1 && k <= n && n <= 20,
  solve: ({ k, n }) => rational(permutations(n, k)),
  explain: ({ k, n }) => [
    `Order matters: ${n} choices for the first, ${n - 1} for the second, and so on for ${k} items.`,
    `P(${n}, ${k}) = ${permutations(n, k)}.`,
  ],
});

function letterCounts(word: string): number[] {
  const counts = new Map<string, number>();
  for (const ch of word) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  return [...counts.values()];
}

function multinomial(word: string): number {
  return letterCounts(word).reduce((acc, c) => acc / factorial(c), factorial(word.length));
}

const letters = defineForm<{ word: string }>({
  topic: 'counting',
  difficulty: 4,
  draw: (rng) => {
    const alphabet = 'ABCDEGKLMNPRST';
    const distinct = rng.int(2, 4);
    const chars: string[] = [];
    while (chars.length < distinct) {
      const ch = rng.pick(alphabet.split(''));
      if (!chars.includes(ch)) chars.push(ch);
    }
    const word = chars.flatMap((ch) => Array.from({ length: rng.int(1, 3) }, () => ch));
    // Fisher–Yates with the seeded stream, so the letters are not sorted.
    for (let i = word.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [word[i], word[j]] = [word[j]!, word[i]!];
    }
    return { word: word.join('') };
  },
  render: ({ word }) => `How many distinct arrangements of the letters ${word} are there?`,
  pattern: /How many distinct arrangements of the letters (?<word>[A-Z]+) are there\?/,
  read: (g) => ({ word: g.word ?? '' }),
  valid: ({ word }) =>
    word.length >= 3 && word.length <= 12 && letterCounts(word).some((c) => c > 1),
  solve: ({ word }) => rational(multinomial(word)),
  explain: ({ word }) => [
    `${word.length} letters with repeats of sizes ${letterCounts(word).join(', ')}.`,
    `${word.length}! divided by the factorials of the repeats is ${multinomial(word)}.`,
  ],
});

const GROUPS: [string, string][] = [
  ['women', 'men'],
  ['girls', 'boys'],
  ['teachers', 'students'],
  ['doctors', 'nurses'],
  ['painters', 'singers'],
  ['chemists', 'physicists'],
];

const atLeastOne = defineForm<{ k: number; a: number; g1: string; b: number; g2: string }>({
  topic: 'counting',
  difficulty: 5,
  draw: (rng) => {
    const [g1, g2] = rng.pick(GROUPS);
    return { k: rng.int(2, 5), a: rng.int(3, 10), g1, b: rng.int(3, 10), g2 };
  },
  render: ({ k, a, g1, b, g2 }) =>
    `A committee of ${k} is chosen from ${a} ${g1} and ${b} ${g2}. How many include at least one of the ${g1}?`,
  pattern:
    /A committee of (?<k>\d+) is chosen from (?<a>\d+) (?<g1>[a-z]+) and (?<b>\d+) (?<g2>[a-z]+)\. How many include at least one of the (?<g3>[a-z]+)\?/,
  read: (g) => {
    if (g.g3 !== g.g1) throw new Error('the asked group is not the first one');
    return { k: Number(g.k), a: Number(g.a), g1: g.g1 ?? '', b: Number(g.b), g2: g.g2 ?? '' };
  },
  valid: ({ k, a, b }) => k >= 1 && k <= a + b && b >= k && a + b <= 30,
  solve: ({ k, a, b }) => rational(choose(a + b, k) - choose(b, k)),
  explain: ({ k, a, b }) => [
    `All committees: \\binom{${a + b}}{${k}} = ${choose(a + b, k)}; none of the first group: \\binom{${b}}{${k}} = ${choose(b, k)}.`,
    `By complement: ${choose(a + b, k) - choose(b, k)}.`,
  ],
});

export const countingForms: Form[] = [arrange, pick, give, letters, atLeastOne];
