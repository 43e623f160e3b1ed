// Builds test/fixtures/verifier/agreement.jsonl: labelled (gold, prediction) pairs in six
// families of answers that rule-based verifiers find hard. Gold answers and the worked
// solutions used as prediction text come from ../shared/data/bench (see the fixture's
// README for licences); the rest is hand-written in the style of model outputs. The label
// of each pair is known by construction (the prediction states the gold answer in another
// form, or a different answer) and was checked by reading the pairs.
// Run: SOCRATIC_SHARED_DATA=/path/to/data npx tsx bench/build-agreement-corpus.ts

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DATA } from '../data/shared-data';

const BENCH = join(SHARED_DATA, 'bench');
const OUT = join(__dirname, '..', 'test', 'fixtures', 'verifier', 'agreement.jsonl');

export type Family = 'prose' | 'multi' | 'relations' | 'matrices' | 'numbers' | 'notation';

interface Pair {
  family: Family;
  gold: string;
  pred: string;
  equal: boolean;
  source: string;
}

const pairs: Pair[] = [];
const add = (family: Family, gold: string, pred: string, equal: boolean, source: string) => {
  pairs.push({ family, gold, pred, equal, source });
};

/** The last lines of a long solution, at most about `max` characters: a small excerpt. */
const tail = (text: string, max = 800) => {
  if (text.length <= max) return text;
  const cut = text.indexOf('\n', text.length - max);
  return cut < 0 || cut > text.length - 80 ? text.slice(-max) : text.slice(cut + 1);
};

const jsonl = (file: string) =>
  readFileSync(join(BENCH, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);

// ---------------------------------------------------------------- 1. prose, no \boxed
const gsm = jsonl('gsm8k_test.jsonl');
const GSM_ENDINGS: ((n: string) => string)[] = [
  (n) => `The answer is ${n}.`,
  (n) => `Final Answer: The final answer is ${n}. I hope it is correct.`,
  (n) => `**Final Answer:** $${n}$`,
  (n) => `Therefore, the answer is \\(${n}\\).`,
  (n) => `So the result is:\n\n${n}`,
  (n) => `Putting it all together, the final result is $${n}$.`,
  (n) => `Answer: ${n}`,
  (n) => `### Final Answer\n\n\\[\n${n}\n\\]`,
];
let g = 0;
for (const r of gsm.slice(0, 400)) {
  if (g >= 66) break;
  const [body, final] = String(r.answer).split('####');
  const n = final!.trim();
  const steps = body!.replace(/<<[^>]*>>/g, '').trim();
  if (!/^\d+$/.test(n) || steps.split('\n').length < 3) continue;
  const i = g++;
  const id = `gsm8k_test.jsonl idx ${r.idx}`;
  const ending = GSM_ENDINGS[i % GSM_ENDINGS.length]!;
  if (i % 3 === 2) {
    // A wrong final answer after reasoning that mentions other numbers.
    const wrong = String(Number(n) + (i % 2 ? 10 : 1));
    add(
      'prose',
      n,
      `${steps}\n${ending(wrong)}`,
      false,
      `${id}; solution with a wrong final answer`,
    );
  } else add('prose', n, `${steps}\n${ending(n)}`, true, `${id}; solution, "####" line rewritten`);
}

// Worked solutions with no answer line at all: the result of the last computation counts.
for (const [k, r] of gsm.slice(600, 620).entries()) {
  const [body, final] = String(r.answer).split('####');
  const steps = body!.replace(/<<[^>]*>>/g, '').trim();
  const n = final!.trim();
  const other = String(gsm[700 + k]!.answer)
    .split('####')[1]!
    .trim();
  const id = `gsm8k_test.jsonl idx ${r.idx}`;
  if (k % 3 === 2 && other !== n)
    add(
      'prose',
      other,
      steps,
      false,
      `${id}; solution without its "####" line, against the answer of idx ${gsm[700 + k]!.idx}`,
    );
  else add('prose', n, steps, true, `${id}; solution without its "####" line`);
}

const minerva = jsonl('minerva_math.jsonl');
let mv = 0;
for (const [k, r] of minerva.entries()) {
  if (mv >= 24) break;
  const s = tail(String(r.solution));
  const boxes = [...s.matchAll(/\\boxed\{([^{}]*)\}/g)];
  if (boxes.length !== 1 || !/^-?\d+(?:\.\d+)?(?:e\d+)?$/.test(boxes[0]![1]!)) continue;
  const ans = boxes[0]![1]!;
  if (/e/.test(ans)) continue;
  const unboxed = s.replace(/\\boxed\{([^{}]*)\}/, '$1');
  const i = mv++;
  const id = `minerva_math.jsonl line ${k + 1}`;
  if (i % 3 === 2) {
    const wrong = s.replace(/\\boxed\{([^{}]*)\}/, () => String(Number(ans) * 2));
    add('prose', ans, wrong, false, `${id}; \\boxed removed, answer doubled`);
  } else add('prose', ans, unboxed, true, `${id}; last lines of the solution, \\boxed removed`);
}

const aime = jsonl('aime24.jsonl');
let am = 0;
for (const r of aime) {
  if (am >= 12) break;
  const s = tail(String(r.solution));
  const ans = String(r.answer);
  if (!s.includes(`\\boxed{${ans}}`) && !s.includes(`\\boxed{\\textbf{${ans}}}`)) continue;
  const i = am++;
  const id = `aime24.jsonl id ${r.id}`;
  const text = s.replace(/\\boxed\{(?:\\textbf\{)?(\d+)\}?\}/g, '$1');
  // Only solutions that end by stating the answer, as a model's output would.
  if (text.includes('\\boxed') || !text.slice(-200).includes(ans)) continue;
  if (i % 3 === 2) {
    const wrong = `${text}\n\nWait, I made an arithmetic slip above; redoing it, the answer is ${Number(ans) + 3}.`;
    add('prose', ans, wrong, false, `${id}; \\boxed removed, corrected to a wrong answer`);
  } else add('prose', ans, text, true, `${id}; last lines of the solution, \\boxed removed`);
}

const HAND_PROSE: [string, string, boolean][] = [
  [
    '34',
    'We check n = 35 fails since 35 has a factor 5 and 7.\n\nFinal Answer: The largest $n$ is 34.',
    true,
  ],
  ['34', 'We check n = 34 and n = 35 both.\n\nFinal Answer: The largest $n$ is 35.', false],
  ['12', 'First, 3 + 4 = 7 and then 7 + 5 = 12, so the answer is 12', true],
  [
    'x \\geq 5',
    'Solving $2x - 3 \\geq 7$ gives $2x \\ge 10$.\n\nTherefore $x \\geq 5$ is the solution.',
    true,
  ],
  [
    'x \\geq 5',
    'Solving $2x - 3 \\geq 7$ gives $2x \\ge 12$.\n\nTherefore $x \\geq 6$ is the solution.',
    false,
  ],
  [
    '\\frac{3}{4}',
    'The probability of no heads is $\\frac{1}{4}$, so the complement gives\n\\(\\frac{3}{4}\\)',
    true,
  ],
  [
    '\\frac{3}{4}',
    'The probability of no heads is $\\frac{1}{4}$, so the complement gives\n\\(\\frac{1}{4}\\)',
    false,
  ],
  ['7', 'Let the number be $n$. Then $3n + 2 = 23$, so $3n = 21$ and\n\n$n = 7$', true],
  ['7', 'Let the number be $n$. Then $3n + 2 = 23$, so $3n = 21$ and\n\n$n = 8$', false],
  [
    '2\\sqrt{2}',
    'The distance is $\\sqrt{(3-1)^2 + (4-2)^2} = \\sqrt{8}$.\nThus the distance is $2\\sqrt{2}$.',
    true,
  ],
  [
    '2\\sqrt{2}',
    'The distance is $\\sqrt{(3-1)^2 + (4-2)^2} = \\sqrt{8}$.\nThus the distance is $2\\sqrt{3}$.',
    false,
  ],
  ['6', 'There are $\\binom{4}{2} = 6$ ways.\n\n6', true],
  ['6', 'There are $\\binom{4}{2} = 6$ ways, but order matters, so we double.\n\n12', false],
  ['\\frac{1}{2}', 'The final answer is: $\\frac{1}{2}$', true],
  ['\\frac{1}{2}', 'The final answer is: $\\frac{1}{3}$', false],
  ['-2', 'Plugging in $x = 1$ gives $1 - 3 = -2$. So the minimum value is $-2$.', true],
  [
    '-2',
    'Plugging in $x = 1$ gives $1 - 3 = -2$. Checking $x=2$: $4 - 6 = -2$... the minimum value is $-3$.',
    false,
  ],
  [
    '2',
    'The remainder when $2^{10}$ is divided by 7: \\(2^{10} = 1024 = 7 \\cdot 146 + 2\\). So the remainder is **2**.',
    true,
  ],
  [
    '2',
    'The remainder when $2^{10}$ is divided by 7: \\(2^{10} = 1024 = 7 \\cdot 146 + 2\\). So the remainder is **3**.',
    false,
  ],
  [
    '17',
    'We need $n^2 \\equiv 1 \\pmod{8}$ for every odd $n$, which holds.\nChecking the cases $n = 1, 3, 5$ gives remainders $1, 1, 1$.\nHence the number of such integers is 17.',
    true,
  ],
  [
    '17',
    'We need $n^2 \\equiv 1 \\pmod{8}$ for every odd $n$, which holds.\nChecking the cases $n = 1, 3, 5$ gives remainders $1, 1, 1$.\nHence the number of such integers is 19.',
    false,
  ],
  [
    '\\frac{5}{2}',
    'Adding the two equations: $2x = 5$.\nDividing by 2,\n\\[\nx = \\frac{5}{2}\n\\]',
    true,
  ],
  [
    '\\frac{5}{2}',
    'Adding the two equations: $2x = 5$.\nDividing by 2 and subtracting,\n\\[\nx = \\frac{3}{2}\n\\]',
    false,
  ],
  ['48', 'Step 1: 6 boxes with 8 pens each.\nStep 2: $6 \\times 8 = 48$.\n\n**48**', true],
  [
    '48',
    'Step 1: 6 boxes with 8 pens each.\nStep 2: $6 \\times 8 = 48$, minus the 2 broken ones.\n\n**46**',
    false,
  ],
  ['-1', 'Since $f(0) = 3$ and $f(1) = 2$, the slope is $2 - 3 = -1$.\n\nAnswer: $-1$', true],
  ['-1', 'Since $f(0) = 3$ and $f(1) = 2$, the slope is $3 - 2$.\n\nAnswer: $1$', false],
];
for (const [gold, pred, eq] of HAND_PROSE)
  add('prose', gold, pred, eq, 'hand-written in the style of Qwen2.5-Math outputs on MATH');

// ---------------------------------------------------------------- 2. several answers
const olympiad = jsonl('olympiadbench.jsonl');
const strip = (s: string) =>
  s
    .trim()
    .replace(/^\$|\$$/g, '')
    .trim();
let om = 0;
for (const r of olympiad) {
  if (om >= 24) break;
  const finals = (r.final_answer as string[]).map(strip);
  const items =
    finals.length > 1
      ? finals
      : r.answer_type === 'Tuple' || r.is_multiple_answer === true
        ? splitTop(finals[0]!)
        : [];
  if (items.length < 2 || items.length > 6 || items.some((x) => x.length > 40 || /=/.test(x)))
    continue;
  const gold = finals.join(', ');
  const id = `olympiadbench.jsonl id ${r.id}`;
  const i = om++;
  const rev = [...items].reverse();
  const forms = [
    `Hence the answers are ${rev.map((x) => `$\\boxed{${x}}$`).join(' and ')}.`,
    `The solutions are \\(\\boxed{${rev.join(', ')}}\\).`,
    `So we get $\\boxed{${rev.slice(0, -1).join('}, \\boxed{')}} \\text{ and } \\boxed{${rev[rev.length - 1]}}$`,
  ];
  add('multi', gold, forms[i % 3]!, true, `${id}; answers in reverse order`);
  if (i % 2 === 0)
    add(
      'multi',
      gold,
      `Hence the answers are ${rev
        .slice(1)
        .map((x) => `$\\boxed{${x}}$`)
        .join(' and ')}.`,
      false,
      `${id}; one answer left out`,
    );
  else
    add(
      'multi',
      gold,
      `${forms[i % 3]!.replace(/\.$/, '')} and $\\boxed{${bump(items[0]!)}}$.`,
      false,
      `${id}; one wrong answer added`,
    );
}

function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if ('([{'.includes(ch)) depth++;
    if (')]}'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out.filter((x) => x !== '');
}

/** The first number in the text increased by one (a plausible wrong answer). */
function bump(s: string): string {
  return s.replace(/\d+/, (d) => String(Number(d) + 1));
}

const HAND_MULTI: [string, string, boolean][] = [
  [
    '(2,2), (6,2)',
    'Checking each case, the pairs are $\\boxed{(2, 2)} \\text{ and } \\boxed{(6, 2)}$.',
    true,
  ],
  [
    '(2,2), (6,2)',
    'Checking each case, the pairs are $\\boxed{(6, 2)}$ and $\\boxed{(2, 2)}$.',
    true,
  ],
  [
    '(2,2), (6,2)',
    'Checking each case, the pairs are $\\boxed{(2, 2)} \\text{ and } \\boxed{(2, 6)}$.',
    false,
  ],
  ['(2,2), (6,2)', 'Checking each case, the only pair is $\\boxed{(2, 2)}$.', false],
  ['k=45, n=2', 'So $\\boxed{k = 45}$ and $\\boxed{n = 2}$.', true],
  ['k=45, n=2', 'So $\\boxed{k = 45}$ and $\\boxed{n = 3}$.', false],
  ['45, 2', 'So $\\boxed{k = 45}$ and $\\boxed{n = 2}$.', true],
  ['(7,11), (11,7)', 'The primes are $\\boxed{(11,7) \\text{ or } (7,11)}$.', true],
  [
    '(7,11), (11,7)',
    'Thus $(p, q) = (11,7)$ or $(p,q) = (7,11)$.\n\nFinal answer: (11,7) or (7,11)',
    true,
  ],
  ['(7,11), (11,7)', 'The primes are $\\boxed{(11,7)}$.', false],
  ['(7,11), (11,7)', 'The primes are $\\boxed{(11,7) \\text{ or } (7,13)}$.', false],
  [
    '3, 5',
    '(a) The smallest value is $\\boxed{3}$.\n\n(b) The largest value is $\\boxed{5}$.',
    true,
  ],
  [
    '3, 5',
    '(a) The smallest value is $\\boxed{3}$.\n\n(b) The largest value is $\\boxed{6}$.',
    false,
  ],
  ['\\{1,2,4\\}', 'The possible values of $n$ are \\boxed{4, 2, 1}.', true],
  ['\\{1,2,4\\}', 'The possible values of $n$ are \\boxed{4, 2}.', false],
  [
    '1, -2',
    'The roots are $x = 1$ and $x = -2$, so the answer is $\\boxed{x=-2 \\text{ or } x=1}$.',
    true,
  ],
  [
    '1, -2',
    'The roots are $x = -1$ and $x = 2$, so the answer is $\\boxed{x=-1 \\text{ or } x=2}$.',
    false,
  ],
  ['(1,3), (3,1)', 'The ordered pairs are \\boxed{(1,3)}, \\boxed{(3,1)}', true],
  ['(1,3)', 'The ordered pairs are \\boxed{(1,3)}, \\boxed{(3,1)}', false],
  [
    '-3, 0, 3',
    'All solutions: $x \\in \\{-3, 0, 3\\}$.\n\nThe answer is $\\boxed{0, \\pm 3}$',
    true,
  ],
  ['-3, 0, 3', 'The answer is $\\boxed{\\pm 3}$', false],
];
for (const [gold, pred, eq] of HAND_MULTI)
  add('multi', gold, pred, eq, 'hand-written in the style of OlympiadBench model outputs');

const math500 = JSON.parse(readFileSync(join(BENCH, 'math500.json'), 'utf8')) as {
  answer: string;
  unique_id: string;
}[];
for (const r of math500) {
  const a = r.answer;
  if (!/^-?[\d\\{}a-z ]+(?:,\s*-?[\d\\{}a-z ]+)+$/.test(a) || /\\!|\\text/.test(a)) continue;
  if (/^\d{1,3}(?:,\d{3})+$/.test(a)) continue;
  const items = splitTop(a);
  const rev = [...items].reverse();
  const id = `math500.json ${r.unique_id}`;
  add('multi', a, `All solutions are $\\boxed{${rev.join(', ')}}$.`, true, `${id}; order reversed`);
  add(
    'multi',
    a,
    `The solutions are ${rev.map((x) => `$\\boxed{${x}}$`).join(' and ')}.`,
    true,
    `${id}; one box per answer`,
  );
  add(
    'multi',
    a,
    `All solutions are $\\boxed{${rev.slice(1).join(', ')}}$.`,
    false,
    `${id}; one answer missing`,
  );
}

// ---------------------------------------------------------------- 3. relations and sets
const HAND_REL: [string, string, boolean][] = [
  ['(2,\\infty)', 'So the solution set is $x > 2$.', true],
  ['(2,\\infty)', 'So the solution set is $x \\gt 2$.', true],
  ['(2,\\infty)', '\\boxed{x>2}', true],
  ['(2,\\infty)', '\\boxed{2 < x}', true],
  ['(2,\\infty)', '\\boxed{x \\geq 2}', false],
  ['(2,\\infty)', '\\boxed{x < 2}', false],
  ['[-2,7]', 'Hence $\\boxed{-2 \\le x \\le 7}$.', true],
  ['[-2,7]', 'Hence $\\boxed{-2 \\leq x \\leq 7}$.', true],
  ['[-2,7]', 'Hence $\\boxed{-2 < x \\le 7}$.', false],
  ['[-2,7]', 'Hence $\\boxed{-2 \\leq x \\leq 8}$.', false],
  ['x \\in [-2,7]', 'The answer is $[-2, 7]$.', true],
  ['x \\geq 5', '\\boxed{[5, \\infty)}', true],
  ['x \\geq 5', '\\boxed{x >= 5}', true],
  ['x \\geq 5', '\\boxed{x \\ge 5}', true],
  ['x \\geq 5', '\\boxed{5 \\leq x}', true],
  ['x \\geq 5', '\\boxed{(5, \\infty)}', false],
  ['x \\geq 5', '\\boxed{x \\le 5}', false],
  ['x \\geq 5', '\\boxed{x \\geq 6}', false],
  ['x \\neq 2', '\\boxed{(-\\infty, 2) \\cup (2, \\infty)}', true],
  ['x \\neq 2', '\\boxed{x != 2}', true],
  ['x \\neq 2', '\\boxed{x \\ne 2}', true],
  ['x \\neq 2', '\\boxed{x \\neq 3}', false],
  ['x \\neq 2', '\\boxed{(-\\infty, 2) \\cup (3, \\infty)}', false],
  ['(-\\infty,2)\\cup(2,\\infty)', 'The domain is all reals except 2: $\\boxed{x \\neq 2}$.', true],
  ['[-\\frac{3}{2},-1]\\cup[1,\\frac{3}{2}]', '\\boxed{1 \\le |x| \\le 3/2}', true],
  ['[-\\frac{3}{2},-1]\\cup[1,\\frac{3}{2}]', '\\boxed{1 \\le |x| \\le 2}', false],
  ['[-\\frac{3}{2},-1]\\cup[1,\\frac{3}{2}]', '\\boxed{1 \\le x \\le 3/2}', false],
  ['(-3,3)', '\\boxed{|x| < 3}', true],
  ['(-3,3)', '\\boxed{|x| \\le 3}', false],
  ['3', 'Solving, $\\boxed{x = 3}$.', true],
  ['3', 'Solving, $\\boxed{x = -3}$.', false],
  ['x=3', 'Solving, $\\boxed{3}$.', true],
  ['x=3', 'Solving, $\\boxed{4}$.', false],
  ['(3,2)', 'Therefore $\\boxed{(p,q) = (3,2)}$.', true],
  ['(3,2)', 'Therefore $\\boxed{(p,q) = (2,3)}$.', false],
  ['(p,q)=(3,2)', 'Therefore $\\boxed{(3,2)}$.', true],
  ['(p,q)=(3,2)', 'Therefore $\\boxed{(3,3)}$.', false],
  ['(a,b,c)=(1,2,3)', 'The triple is $\\boxed{a=1, b=2, c=3}$.', true],
  ['(a,b,c)=(1,2,3)', 'The triple is $\\boxed{a=1, b=3, c=2}$.', false],
  ['(1,2,3)', 'The triple is $\\boxed{a=1, b=2, c=3}$.', true],
  ['[1,4)', 'Thus $1 \\le t < 4$, i.e. $t \\in [1,4)$.\n\nFinal Answer: $[1,4)$', true],
  ['[1,4)', '\\boxed{1 \\leq t < 4}', true],
  ['[1,4)', '\\boxed{1 < t \\leq 4}', false],
  ['(-\\infty,-1]\\cup[3,\\infty)', '\\boxed{x \\le -1 \\text{ or } x \\ge 3}', true],
  ['(-\\infty,-1]\\cup[3,\\infty)', '\\boxed{x \\leq -1 \\text{ or } x \\geq 2}', false],
  ['(-\\infty,-1]\\cup[3,\\infty)', '\\boxed{-1 \\le x \\le 3}', false],
  ['a>0', '\\boxed{a \\gt 0}', true],
  ['a>0', '\\boxed{(0,\\infty)}', true],
  ['a>0', '\\boxed{a \\geq 0}', false],
  ['k \\le 4', '\\boxed{k \\leq 4}', true],
  ['k \\le 4', '\\boxed{(-\\infty,4]}', true],
  ['k \\le 4', '\\boxed{k < 4}', false],
  ['0<x<1', '\\boxed{(0,1)}', true],
  ['0<x<1', '\\boxed{x \\in (0, 1)}', true],
  ['0<x<1', '\\boxed{[0,1]}', false],
];
for (const [gold, pred, eq] of HAND_REL)
  add(
    'relations',
    gold,
    pred,
    eq,
    'hand-written in the style of MATH/OlympiadBench interval answers',
  );
for (const r of math500) {
  const a = r.answer;
  const m =
    /^(?:\\left)?([([])\s*(-?[\w\\{}]+|-\\infty)\s*,\s*(-?[\w\\{}]+|\\infty)\s*(?:\\right)?([)\]])$/.exec(
      a,
    );
  if (!m || !/\\infty/.test(a)) continue;
  const [, open, lo, hi, close] = m;
  const parts: string[] = [];
  if (lo !== '-\\infty') parts.push(`${lo} ${open === '[' ? '\\le' : '<'} x`);
  if (hi !== '\\infty') parts.push(`x ${close === ']' ? '\\le' : '<'} ${hi}`);
  const rel =
    parts.length === 2
      ? `${lo} ${open === '[' ? '\\le' : '<'} x ${close === ']' ? '\\le' : '<'} ${hi}`
      : parts[0]!;
  const id = `math500.json ${r.unique_id}`;
  add(
    'relations',
    a,
    `Therefore the solution set is $\\boxed{${rel}}$.`,
    true,
    `${id}; interval written as an inequality`,
  );
  add(
    'relations',
    a,
    `Therefore the solution set is $\\boxed{${rel.replace(/\\le/g, '#').replace(/</g, '\\le').replace(/#/g, '<')}}$.`,
    false,
    `${id}; strictness swapped`,
  );
}

// ---------------------------------------------------------------- 4. matrices and vectors
const matrices = math500.filter((r) => r.answer.includes('pmatrix'));
for (const r of matrices) {
  const a = r.answer;
  const body = /\\begin\{pmatrix\}([\s\S]*)\\end\{pmatrix\}/.exec(a)![1]!;
  const cols = body.split('\\\\')[0]!.split('&').length;
  const dfrac = body.replace(/(-?)(\d+)\/(\d+)/g, '$1\\dfrac{$2}{$3}');
  const id = `math500.json ${r.unique_id}`;
  add(
    'matrices',
    a,
    `The answer is $\\boxed{\\begin{bmatrix}${dfrac}\\end{bmatrix}}$.`,
    true,
    `${id}; bmatrix, \\dfrac`,
  );
  add(
    'matrices',
    a,
    `So the result is\n\\[\n\\left[\\begin{array}{${'c'.repeat(cols)}}${body}\\end{array}\\right]\n\\]`,
    true,
    `${id}; array in \\left[ \\right], unboxed`,
  );
  add(
    'matrices',
    a,
    `\\boxed{\\left(\\begin{array}{${'c'.repeat(cols)}}${dfrac}\\end{array}\\right)}`,
    true,
    `${id}; array in \\left( \\right)`,
  );
  add(
    'matrices',
    a,
    `The answer is $\\boxed{\\begin{pmatrix}${bump(body)}\\end{pmatrix}}$.`,
    false,
    `${id}; one entry changed`,
  );
  add(
    'matrices',
    a,
    `The answer is $\\boxed{\\begin{bmatrix}${body
      .replace(/-/g, '#')
      .replace(/(^|[&\\\s])(\d)/, '$1-$2')
      .replace(/#/g, '')}\\end{bmatrix}}$.`,
    false,
    `${id}; signs changed`,
  );
}
const HAND_MAT: [string, string, boolean][] = [
  [
    '\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}',
    '\\boxed{\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}}',
    true,
  ],
  [
    '\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}',
    '\\boxed{\\begin{bmatrix} 1 & 3 \\\\ 2 & 4 \\end{bmatrix}}',
    false,
  ],
  [
    '\\begin{pmatrix} 1/2 & 0 \\\\ 0 & 1/2 \\end{pmatrix}',
    '\\boxed{\\begin{pmatrix} \\frac{1}{2} & 0 \\\\ 0 & \\tfrac12 \\end{pmatrix}}',
    true,
  ],
  [
    '\\begin{pmatrix} 1/2 & 0 \\\\ 0 & 1/2 \\end{pmatrix}',
    '\\boxed{\\begin{pmatrix} 0.5 & 0 \\\\ 0 & 0.5 \\end{pmatrix}}',
    true,
  ],
  [
    '\\begin{pmatrix} 1/2 & 0 \\\\ 0 & 1/2 \\end{pmatrix}',
    '\\boxed{\\begin{pmatrix} \\frac{1}{2} & 0 \\\\ 0 & 2 \\end{pmatrix}}',
    false,
  ],
  [
    '\\begin{pmatrix} 3 \\\\ -1 \\end{pmatrix}',
    '\\boxed{\\left[\\begin{array}{c} 3 \\\\ -1 \\end{array}\\right]}',
    true,
  ],
  ['\\begin{pmatrix} 3 \\\\ -1 \\end{pmatrix}', '\\boxed{(3, -1)}', true],
  ['\\begin{pmatrix} 3 \\\\ -1 \\end{pmatrix}', '\\boxed{(-1, 3)}', false],
  [
    '\\begin{pmatrix} 3 \\\\ -1 \\end{pmatrix}',
    '\\boxed{\\begin{pmatrix} 3 \\\\ -1 \\\\ 0 \\end{pmatrix}}',
    false,
  ],
  [
    '\\begin{pmatrix} \\frac{4}{5} & -\\frac{3}{5} \\\\ \\frac{3}{5} & \\frac{4}{5} \\end{pmatrix}',
    'Thus the rotation matrix is $$\\begin{pmatrix} 0.8 & -0.6 \\\\ 0.6 & 0.8 \\end{pmatrix}$$',
    true,
  ],
  [
    '\\begin{pmatrix} \\frac{4}{5} & -\\frac{3}{5} \\\\ \\frac{3}{5} & \\frac{4}{5} \\end{pmatrix}',
    'Thus the rotation matrix is $$\\begin{pmatrix} 0.8 & 0.6 \\\\ -0.6 & 0.8 \\end{pmatrix}$$',
    false,
  ],
  [
    '\\begin{pmatrix} 2 & 0 \\\\ 0 & 3 \\end{pmatrix}',
    '$$\\mathbf{M} = \\begin{pmatrix} 2 & 0 \\\\ 0 & 3 \\end{pmatrix}$$',
    true,
  ],
  [
    '\\begin{pmatrix} 2 & 0 \\\\ 0 & 3 \\end{pmatrix}',
    '$$\\mathbf{M} = \\begin{pmatrix} 3 & 0 \\\\ 0 & 2 \\end{pmatrix}$$',
    false,
  ],
  [
    '\\begin{pmatrix} -1 \\\\ 2 \\\\ 2 \\end{pmatrix}',
    'The cross product is $\\boxed{\\begin{bmatrix}-1\\\\2\\\\2\\end{bmatrix}}$',
    true,
  ],
  [
    '\\begin{pmatrix} -1 \\\\ 2 \\\\ 2 \\end{pmatrix}',
    'The cross product is $\\boxed{\\begin{bmatrix}1\\\\-2\\\\-2\\end{bmatrix}}$',
    false,
  ],
];
for (const [gold, pred, eq] of HAND_MAT)
  add('matrices', gold, pred, eq, 'hand-written in the style of MATH precalculus answers');

// ---------------------------------------------------------------- 5. number formats
let nf = 0;
for (const r of gsm) {
  const n = String(r.answer).split('####')[1]!.trim();
  if (!/^\d{4,7}$/.test(n)) continue;
  if (nf >= 20) break;
  const i = nf++;
  const withCommas = Number(n).toLocaleString('en-US');
  const withSpaces = withCommas.replace(/,/g, ' ');
  const id = `gsm8k_test.jsonl idx ${r.idx}`;
  const forms = [
    `So she earns $\\boxed{\\$${withCommas}}$.`,
    `The total is ${withSpaces} dollars.\n\nThe answer is ${withSpaces}.`,
    `#### ${withCommas}`,
    `So the answer is $${withSpaces.replace(/ /g, '\\,')}$ dollars.`,
  ];
  add('numbers', n, forms[i % 4]!, true, `${id}; thousands separators`);
  const wrong = withCommas.replace(/\d(?=[,]?\d*$)/, (d) => String((Number(d) + 1) % 10));
  add(
    'numbers',
    n,
    forms[(i + 1) % 4]!.replaceAll(withCommas, wrong)
      .replaceAll(withSpaces, wrong.replace(/,/g, ' '))
      .replaceAll(withSpaces.replace(/ /g, '\\,'), wrong.replace(/,/g, '\\,')),
    false,
    `${id}; thousands separators, last digit changed`,
  );
}
const HAND_NUM: [string, string, boolean][] = [
  ['1000', 'The answer is 1 000.', true],
  ['1000', 'The answer is 1 001.', false],
  ['1000.99', 'The total cost is $\\boxed{\\$1,000.99}$.', true],
  ['1000.99', 'The total cost is $\\boxed{\\$1,000.90}$.', false],
  ['1,22', '\\boxed{1.22}', true],
  ['1,22', '\\boxed{1.23}', false],
  ['1.22', 'Le résultat est \\boxed{1,22}.', true],
  ['2,74', 'Il reste $\\boxed{2,74 \\$}$.', true],
  ['2,74', 'Il reste $\\boxed{2.74}$ dollars.', true],
  ['2,74', 'Il reste $\\boxed{2.47}$ dollars.', false],
  ['2.74', 'Il reste 2,74 $.', true],
  ['2.74', 'Il reste 2,47 $.', false],
  ['35', 'The side length is $\\boxed{35 \\text{ cm}}$.', true],
  ['35', 'The side length is 35 cm.', true],
  ['35', 'The side length is $\\boxed{53 \\text{ cm}}$.', false],
  ['35 \\text{ cm}', 'The side length is $\\boxed{35}$.', true],
  ['12', 'The area is $\\boxed{12 \\text{ m}^2}$.', true],
  ['12', 'The area is 12 m².', true],
  ['12', 'The area is 21 m².', false],
  ['12 \\mathrm{~m}^{2}', 'The area is $12\\,\\mathrm{m}^2$.', true],
  ['25\\%', 'The discount is $\\boxed{25\\%}$.', true],
  ['25\\%', 'The discount is 25 percent.', true],
  ['25\\%', 'The discount is $\\boxed{20\\%}$.', false],
  ['25', 'The percentage is $\\boxed{25\\%}$.', true],
  ['25', 'The percentage is $\\boxed{35\\%}$.', false],
  ['12.5\\%', '\\boxed{12.5 \\%}', true],
  ['12.5\\%', '\\boxed{1.25\\%}', false],
  ['18', 'She makes $\\$18$ every day.', true],
  ['18', 'She makes \\$18.00 every day.\n\n**Answer: $18**', true],
  ['18', 'She makes $\\$16$ every day.', false],
  ['5', 'The speed is $\\boxed{5 \\text{ km/h}}$.', true],
  ['5', 'The speed is $\\boxed{5\\ \\mathrm{km}/\\mathrm{h}}$.', true],
  ['5', 'The speed is $\\boxed{6 \\text{ km/h}}$.', false],
  ['1.5', 'The answer is 1,5 kg.', true],
  ['1.5', 'The answer is 15 kg.', false],
  ['1000000', 'The population is \\boxed{1{,}000{,}000}.', true],
  ['1000000', 'The population is \\boxed{100{,}000}.', false],
  ['3.14', 'Approximately $\\boxed{3.14}$ meters.', true],
  ['3.14', 'Approximately $\\boxed{3.41}$ meters.', false],
];
for (const [gold, pred, eq] of HAND_NUM)
  add('numbers', gold, pred, eq, 'hand-written in the style of GSM8K / multilingual model outputs');
for (const r of math500) {
  const a = r.answer;
  if (!/\\!|\\\$|\\text\{ (?:cents|inches|feet|cm|degrees|square)/.test(a)) continue;
  const id = `math500.json ${r.unique_id}`;
  const plain = a.replace(/,\\! ?/g, ',').replace(/\\\$/, '');
  add('numbers', a, `The answer is $\\boxed{${plain}}$`, true, `${id}; separators rewritten`);
  add(
    'numbers',
    a,
    `The answer is $\\boxed{${bump(plain)}}$`,
    false,
    `${id}; separators rewritten, a digit changed`,
  );
}

// ---------------------------------------------------------------- 6. notation
let nt = 0;
for (const r of math500) {
  const a = r.answer;
  if (!/\\frac|\\sqrt|\\pi/.test(a) || /,|matrix|\\text|\\infty|\\cup/.test(a)) continue;
  if (nt >= 26) break;
  const i = nt++;
  const id = `math500.json ${r.unique_id}`;
  const variants = [
    a.replace(/\\frac/g, '\\dfrac'),
    a.replace(/\\frac/g, '\\tfrac'),
    `\\left(${a}\\right)`,
  ];
  const v = variants[i % 3]!;
  add(
    'notation',
    a,
    `The answer is $\\boxed{${v}}$.`,
    true,
    `${id}; \\dfrac/\\tfrac/\\left \\right`,
  );
  // Escaped backslashes, as a JSON string read twice by mistake.
  add(
    'notation',
    a,
    `The answer is $\\boxed{${v}}$.`.replace(/\\/g, '\\\\'),
    true,
    `${id}; backslashes doubled`,
  );
  if (i % 2 === 0 && bump(v) !== v)
    add(
      'notation',
      a,
      `The answer is $\\boxed{${bump(v)}}$.`.replace(/\\/g, i % 4 === 0 ? '\\\\' : '\\'),
      false,
      `${id}; a number changed`,
    );
}
const HAND_NOTATION: [string, string, boolean][] = [
  ['e^2', '\\boxed{\\mathrm{e}^{2}}', true],
  ['e^2', '\\boxed{\\mathrm{e}^{3}}', false],
  ['e^{-1}', '\\boxed{\\frac{1}{\\mathrm{e}}}', true],
  ['e^{-1}', '\\boxed{\\frac{1}{\\mathrm{e}^2}}', false],
  ['2e', 'The limit is $\\boxed{2\\mathrm{e}}$.', true],
  ['\\arctan 2', '\\boxed{\\operatorname{arctan}(2)}', true],
  ['\\arctan 2', '\\boxed{\\operatorname{arctan}(3)}', false],
  ['\\arcsin \\frac{1}{3}', '\\boxed{\\operatorname{arcsin}\\left(\\tfrac{1}{3}\\right)}', true],
  ['\\arcsin \\frac{1}{3}', '\\boxed{\\operatorname{arccos}\\left(\\tfrac{1}{3}\\right)}', false],
  ['\\sum_{k=0}^{n-1} F_k F_{n-k-1}', '\\boxed{\\sum_{k=0}^{n-1} F_{n-k-1} F_k}', true],
  ['\\sum_{k=0}^{n-1} F_k F_{n-k-1}', '\\boxed{\\sum_{j=0}^{n-1} F_j F_{n-j-1}}', true],
  ['\\sum_{k=0}^{n-1} F_k F_{n-k-1}', '\\boxed{\\sum_{k=0}^{n} F_k F_{n-k-1}}', false],
  ['\\sum_{k=0}^{n-1} F_k F_{n-k-1}', '\\boxed{\\sum_{k=0}^{n-1} F_k F_{n-k}}', false],
  ['\\sum_{k=1}^{10} k^2', '\\boxed{385}', true],
  ['\\sum_{k=1}^{10} k^2', '\\boxed{384}', false],
  ['\\prod_{i=1}^{n} (2i-1)', '\\boxed{\\prod_{j=1}^{n} (2j-1)}', true],
  ['\\prod_{i=1}^{n} (2i-1)', '\\boxed{\\prod_{i=1}^{n} (2i+1)}', false],
  ['\\prod_{k=1}^{5} k', '\\boxed{120}', true],
  ['\\frac{\\sqrt{3}}{2}', '\\boxed{\\dfrac{\\sqrt3}{2}}', true],
  ['\\frac{\\sqrt{3}}{2}', '\\\\boxed{\\\\frac{\\\\sqrt{3}}{2}}', true],
  ['\\frac{\\sqrt{3}}{2}', '\\\\boxed{\\\\frac{\\\\sqrt{2}}{2}}', false],
  ['\\ln 2', '\\boxed{\\operatorname{ln} 2}', true],
  ['\\frac{\\pi}{4}', '\\boxed{\\left.\\frac{\\pi}{4}\\right.}', true],
  ['\\frac{\\pi}{4}', '\\boxed{\\left(\\frac{\\pi}{3}\\right)}', false],
  ['\\mathrm{e}^{i\\pi/3}', '\\boxed{\\frac{1}{2} + \\frac{\\sqrt{3}}{2} i}', true],
  ['\\mathrm{e}^{i\\pi/3}', '\\boxed{\\frac{1}{2} - \\frac{\\sqrt{3}}{2} i}', false],
  ['\\binom{10}{3}', '\\boxed{\\dbinom{10}{3}}', true],
  ['\\binom{10}{3}', '\\boxed{120}', true],
  ['\\binom{10}{3}', '\\boxed{\\tbinom{10}{4}}', false],
];
for (const [gold, pred, eq] of HAND_NOTATION)
  add('notation', gold, pred, eq, 'hand-written in the style of MATH / Minerva model outputs');

// ---------------------------------------------------------------- a second batch
// Written after the rules above were tuned, and scored before any rule was changed for it.
const SECOND: [Family, string, string, boolean][] = [
  [
    'prose',
    '15',
    'Let me count the handshakes: each of the 6 people shakes hands with 5 others, giving $6 \\cdot 5 = 30$, but each handshake is counted twice.\n\nSo there are 15 handshakes in total.',
    true,
  ],
  [
    'prose',
    '15',
    'Each of the 6 people shakes hands with 5 others, giving $6 \\cdot 5 = 30$ handshakes in total.',
    false,
  ],
  [
    'prose',
    '\\frac{1}{6}',
    'There are 36 outcomes and 6 of them have a sum of 7.\nThe probability is therefore $\\frac{6}{36} = \\frac{1}{6}$.',
    true,
  ],
  [
    'prose',
    '\\frac{1}{6}',
    'There are 36 outcomes and 5 of them have a sum of 8.\nThe probability is therefore $\\frac{5}{36}$.',
    false,
  ],
  [
    'prose',
    '204',
    '<think>\nOkay, total time is 9/s + t/60 = 4 ...\n</think>\n\nThe walk takes **204 minutes** including the coffee stop.',
    true,
  ],
  [
    'prose',
    '204',
    '<think>\nOkay, total time is 9/s + t/60 = 4 ...\n</think>\n\nThe walk takes **240 minutes** including the coffee stop.',
    false,
  ],
  [
    'prose',
    '3',
    'We have $x^2 - 6x + 9 = 0$, i.e. $(x-3)^2 = 0$.\nThus the only root is $x = 3$.',
    true,
  ],
  [
    'prose',
    '3',
    'We have $x^2 - 6x + 8 = 0$, i.e. $(x-2)(x-4) = 0$.\nThus the smaller root is $x = 2$.',
    false,
  ],
  ['prose', '28', 'Janet has 4 bags with 7 apples each.\n4 x 7 = 28\nJanet has 28 apples.', true],
  [
    'prose',
    '28',
    'Janet has 4 bags with 7 apples each, and gives away 3.\n4 x 7 = 28, 28 - 3 = 25\nJanet has 25 apples.',
    false,
  ],
  [
    'prose',
    '\\sqrt{2}',
    'By the Pythagorean theorem the diagonal of the unit square is\n$$d = \\sqrt{1^2 + 1^2} = \\sqrt{2}.$$',
    true,
  ],
  [
    'prose',
    '\\sqrt{2}',
    'By the Pythagorean theorem the diagonal of the unit cube is\n$$d = \\sqrt{1^2 + 1^2 + 1^2} = \\sqrt{3}.$$',
    false,
  ],
  [
    'prose',
    '100',
    'Summing the arithmetic series $1 + 3 + 5 + \\dots + 19$ gives $10^2$.\n\n**Answer:** 100',
    true,
  ],
  [
    'prose',
    '100',
    'Summing the arithmetic series $1 + 3 + 5 + \\dots + 21$ gives $11^2$.\n\n**Answer:** 121',
    false,
  ],
  ['multi', '-1, 2', 'Factoring, $(x+1)(x-2) = 0$, so $x = -1$ or $x = 2$.', true],
  ['multi', '-1, 2', 'Factoring, $(x-1)(x+2) = 0$, so $x = 1$ or $x = -2$.', false],
  [
    'multi',
    '(0,0), (1,1)',
    'The curves $y = x^2$ and $y = x$ meet where $x^2 = x$, giving the points $(0, 0)$ and $(1, 1)$.\n\nFinal answer: $(1,1), (0,0)$',
    true,
  ],
  [
    'multi',
    '(0,0), (1,1)',
    'The curves meet where $x^2 = x$.\n\nFinal answer: $(0,0), (1,-1)$',
    false,
  ],
  [
    'multi',
    '2, 3, 5, 7',
    'The primes below 10 are \\boxed{2}, \\boxed{3}, \\boxed{5}, \\boxed{7}.',
    true,
  ],
  [
    'multi',
    '2, 3, 5, 7',
    'The primes below 10 are \\boxed{2}, \\boxed{3}, \\boxed{5}, \\boxed{9}.',
    false,
  ],
  [
    'multi',
    '\\frac{1}{2}, 2',
    '**Part (a).** The ratio is $\\boxed{\\frac{1}{2}}$.\n\n**Part (b).** Doubling, the ratio becomes $\\boxed{2}$.',
    true,
  ],
  [
    'multi',
    '\\frac{1}{2}, 2',
    '**Part (a).** The ratio is $\\boxed{\\frac{1}{2}}$.\n\n**Part (b).** Doubling, the ratio becomes $\\boxed{1}$.',
    false,
  ],
  ['multi', 'x=2, y=-1', 'Solving the system: $\\boxed{x = 2,\\ y = -1}$', true],
  ['multi', 'x=2, y=-1', 'Solving the system: $\\boxed{x = -1,\\ y = 2}$', false],
  ['multi', '(2,-1)', 'Solving the system: $\\boxed{x = 2,\\ y = -1}$', true],
  [
    'relations',
    '(-\\infty, -3) \\cup (3, \\infty)',
    'The inequality $x^2 > 9$ holds exactly when $\\boxed{|x| > 3}$.',
    true,
  ],
  [
    'relations',
    '(-\\infty, -3) \\cup (3, \\infty)',
    'The inequality $x^2 > 9$ holds exactly when $\\boxed{x > 3}$.',
    false,
  ],
  ['relations', 'x \\le -4', 'So $x \\in (-\\infty, -4]$.', true],
  ['relations', 'x \\le -4', 'So $x \\in (-\\infty, -4)$.', false],
  ['relations', '[0, 1]', 'Hence $\\boxed{0 \\leqslant t \\leqslant 1}$.', true],
  ['relations', '[0, 1]', 'Hence $\\boxed{0 \\leqslant t < 1}$.', false],
  ['relations', '(3, 5)', 'The solution is $\\boxed{3 < x < 5}$.', true],
  ['relations', 'y = 2x + 1', 'The tangent line is $\\boxed{y = 1 + 2x}$.', true],
  ['relations', 'y = 2x + 1', 'The tangent line is $\\boxed{y = 2x - 1}$.', false],
  ['relations', 'f(x) = x^2', 'Therefore $\\boxed{f(x) = x \\cdot x}$ for all real $x$.', true],
  ['relations', 'f(x) = x^2', 'Therefore $\\boxed{f(x) = 2x}$ for all real $x$.', false],
  [
    'matrices',
    '\\begin{pmatrix} 0 & 1 \\\\ -1 & 0 \\end{pmatrix}',
    'The rotation by $90^\\circ$ clockwise is\n\\[\\boxed{\\begin{bmatrix} 0 & 1 \\\\ -1 & 0 \\end{bmatrix}}\\]',
    true,
  ],
  [
    'matrices',
    '\\begin{pmatrix} 0 & 1 \\\\ -1 & 0 \\end{pmatrix}',
    'The rotation by $90^\\circ$ counter-clockwise is\n\\[\\boxed{\\begin{bmatrix} 0 & -1 \\\\ 1 & 0 \\end{bmatrix}}\\]',
    false,
  ],
  [
    'matrices',
    '\\begin{pmatrix} 1/3 \\\\ 2/3 \\end{pmatrix}',
    'So the projection is $\\begin{pmatrix} \\frac13 \\\\ \\frac23 \\end{pmatrix}$.',
    true,
  ],
  [
    'matrices',
    '\\begin{pmatrix} 1/3 \\\\ 2/3 \\end{pmatrix}',
    'So the projection is $\\begin{pmatrix} \\frac23 \\\\ \\frac13 \\end{pmatrix}$.',
    false,
  ],
  [
    'matrices',
    '\\begin{pmatrix} 2 & -1 \\\\ -1 & 1 \\end{pmatrix}',
    'The inverse is $\\left[\\begin{array}{rr} 2 & -1 \\\\ -1 & 1 \\end{array}\\right]$.',
    true,
  ],
  [
    'matrices',
    '\\begin{pmatrix} 2 & -1 \\\\ -1 & 1 \\end{pmatrix}',
    'The inverse is $\\left[\\begin{array}{rr} 1 & -1 \\\\ -1 & 2 \\end{array}\\right]$.',
    false,
  ],
  ['numbers', '2500', 'The shop earns $2,500 in a week.\n#### 2,500', true],
  ['numbers', '2500', 'The shop earns $2,400 in a week.\n#### 2,400', false],
  ['numbers', '0.5', 'The ratio is 0,5.', true],
  ['numbers', '0.5', 'The ratio is 0,05.', false],
  ['numbers', '40\\%', 'The price fell by $\\boxed{40\\,\\%}$.', true],
  ['numbers', '40\\%', 'The price fell by $\\boxed{60\\,\\%}$.', false],
  ['numbers', '9.81', 'The acceleration is $\\boxed{9.81\\ \\text{m/s}^2}$.', true],
  ['numbers', '9.81', 'The acceleration is $\\boxed{9.18\\ \\text{m/s}^2}$.', false],
  ['numbers', '12000', 'The car costs €12 000.\n\nAnswer: 12 000', true],
  [
    'numbers',
    '12000',
    'The car costs €12 000 minus the discount of €1 000.\n\nAnswer: 11 000',
    false,
  ],
  [
    'notation',
    '\\frac{e^2-1}{2}',
    'The integral equals $\\boxed{\\dfrac{\\mathrm{e}^{2}-1}{2}}$.',
    true,
  ],
  [
    'notation',
    '\\frac{e^2-1}{2}',
    'The integral equals $\\boxed{\\dfrac{\\mathrm{e}^{2}+1}{2}}$.',
    false,
  ],
  ['notation', '\\sum_{i=1}^{n} i', '\\boxed{\\sum_{j=1}^{n} j}', true],
  ['notation', '\\sum_{i=1}^{n} i', '\\boxed{\\sum_{j=0}^{n} j^2}', false],
  ['notation', '\\sqrt[3]{2}', '\\boxed{2^{1/3}}', true],
  ['notation', '\\sqrt[3]{2}', '\\boxed{2^{1/2}}', false],
  ['notation', '\\frac{\\pi}{3}', 'The angle is \\boxed{\\tfrac{\\pi}{3}} radians.', true],
  ['notation', '\\frac{\\pi}{3}', 'The angle is \\boxed{\\tfrac{\\pi}{6}} radians.', false],
];
for (const [family, gold, pred, eq] of SECOND)
  add(
    family,
    gold,
    pred,
    eq,
    'hand-written in the style of model outputs (second batch, not tuned on)',
  );

// A third batch, likewise scored before any rule was changed for it.
const THIRD: [Family, string, string, boolean][] = [
  [
    'prose',
    '7',
    '**Step 3.** Substituting back, $y = 7$.\n\n**Final Answer**\nThe value of $y$ is $7$.',
    true,
  ],
  [
    'prose',
    '7',
    '**Step 3.** Substituting back, $y = 7$... wait, recheck: $y = 9$.\n\n**Final Answer**\nThe value of $y$ is $9$.',
    false,
  ],
  [
    'prose',
    '\\frac{2}{3}',
    'So the probability is \\(\\frac{2}{3}\\), since 2 of the 3 cases work.',
    true,
  ],
  [
    'prose',
    '\\frac{2}{3}',
    'So the probability is \\(\\frac{1}{3}\\), since 1 of the 3 cases work.',
    false,
  ],
  ['prose', '120', 'There are $5! = 120$ arrangements of the letters.', true],
  ['prose', '120', 'There are $5!/2 = 60$ arrangements of the letters.', false],
  ['prose', '6', 'The answer is $\\boxed{6}$.\n\nLet me double check: 2 + 4 = 6. Yes.', true],
  ['prose', '42', 'Answer: **42**\n\nExplanation: 6 × 7 = 42.', true],
  ['prose', '42', 'Answer: **48**\n\nExplanation: 6 × 8 = 48.', false],
  ['multi', '(2,2), (6,2)', 'The solutions are $(a, b) = (2, 2)$ and $(a, b) = (6, 2)$.', true],
  ['multi', '(2,2), (6,2)', 'The solutions are $(a, b) = (2, 2)$ and $(a, b) = (2, 6)$.', false],
  ['multi', '\\{(2,2),(6,2)\\}', '\\boxed{\\{(6,2),(2,2)\\}}', true],
  ['multi', '1, 2, 3', 'Final answer: $x \\in \\{1, 2, 3\\}$', true],
  ['multi', '1, 2, 3', 'Final answer: $x \\in \\{1, 2\\}$', false],
  ['multi', '-2, 2', 'So $x = \\pm 2$.', true],
  ['multi', '-2, 2', 'So $x = 2$.', false],
  ['relations', '(-\\infty, 2]', '$$x \\leq 2$$', true],
  ['relations', '(-\\infty, 2]', '$$x < 2$$', false],
  [
    'relations',
    '[3, \\infty)',
    'All real numbers $x \\geq 3$, i.e. $\\boxed{[3,+\\infty)}$.',
    true,
  ],
  ['relations', 'x = 5', 'The solution is $x=5$.', true],
  ['relations', 'x = 5', 'The solution is $x=-5$.', false],
  ['relations', '(1, 3]', '\\boxed{1 < x \\leq 3}', true],
  ['relations', '(1, 3]', '\\boxed{1 \\leq x < 3}', false],
  [
    'matrices',
    '\\begin{pmatrix} 1 \\\\ 0 \\\\ -1 \\end{pmatrix}',
    'The normal vector is $\\mathbf{n} = \\begin{pmatrix} 1 \\\\ 0 \\\\ -1 \\end{pmatrix}$.',
    true,
  ],
  [
    'matrices',
    '\\begin{pmatrix} 1 \\\\ 0 \\\\ -1 \\end{pmatrix}',
    'The normal vector is $\\mathbf{n} = \\begin{pmatrix} -1 \\\\ 0 \\\\ 1 \\end{pmatrix}$.',
    false,
  ],
  [
    'matrices',
    '\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}',
    '\\boxed{\\left[\\begin{matrix} 1 & 0 \\\\ 0 & 1 \\end{matrix}\\right]}',
    true,
  ],
  [
    'matrices',
    '\\begin{pmatrix} 3/5 \\\\ 4/5 \\end{pmatrix}',
    '\\boxed{\\begin{pmatrix} 0.6 \\\\ 0.8 \\end{pmatrix}}',
    true,
  ],
  [
    'matrices',
    '\\begin{pmatrix} 3/5 \\\\ 4/5 \\end{pmatrix}',
    '\\boxed{\\begin{pmatrix} 0.8 \\\\ 0.6 \\end{pmatrix}}',
    false,
  ],
  ['numbers', '1234.5', 'The total is \\$1{,}234.50.', true],
  ['numbers', '1234.5', 'The total is \\$1{,}243.50.', false],
  ['numbers', '2.74', 'Il reste 2,74 €.', true],
  ['numbers', '45', 'The angle is $45^\\circ$.', true],
  ['numbers', '45', 'The angle is $54^\\circ$.', false],
  ['numbers', '3', 'She needs 3 more cups.\n#### 3', true],
  ['numbers', '150', 'The train travels 150 km.', true],
  ['numbers', '150', 'The train travels 105 km.', false],
  ['notation', '\\frac{1}{e}', '\\boxed{e^{-1}}', true],
  ['notation', '\\log_2 8', '\\boxed{3}', true],
  ['notation', '\\sqrt{2}/2', '\\boxed{\\frac{1}{\\sqrt{2}}}', true],
  ['notation', '\\sqrt{2}/2', '\\boxed{\\frac{1}{\\sqrt{3}}}', false],
  ['notation', '\\frac{\\pi}{2}', '\\boxed{\\dfrac{\\pi}{2}\\text{ rad}}', true],
  ['notation', '2\\pi', '\\boxed{2 \\pi \\, \\mathrm{rad}}', true],
];
for (const [family, gold, pred, eq] of THIRD)
  add(
    family,
    gold,
    pred,
    eq,
    'hand-written in the style of model outputs (third batch, not tuned on)',
  );

// A fourth batch, likewise scored before any rule was changed for it.
const FOURTH: [Family, string, string, boolean][] = [
  [
    'relations',
    '(-\\infty, -1] \\cup [3, \\infty)',
    'The answer is $x \\in (-\\infty, -1] \\cup [3, \\infty)$.',
    true,
  ],
  [
    'relations',
    '(-\\infty, -1] \\cup [3, \\infty)',
    'The answer is $x \\in (-\\infty, -1) \\cup [3, \\infty)$.',
    false,
  ],
  ['relations', 'x \\geq 5', 'Thus x ≥ 5.', true],
  ['relations', 'x \\neq 2', 'So x ≠ 2.', true],
  ['relations', 'y = -2x + 3', '\\boxed{2x + y = 3}', true],
  ['relations', 'y = -2x + 3', '\\boxed{2x + y = 4}', false],
  ['prose', '\\frac{3}{4}', 'Combining the cases we obtain\n\n$\\frac{3}{4}$.', true],
  ['prose', '\\frac{3}{4}', 'Combining the cases we obtain\n\n$\\frac{4}{3}$.', false],
  ['notation', '\\frac{\\pi}{4}', 'The angle is π/4.', true],
  ['notation', '\\sqrt{2}', 'The length is √2.', true],
  ['notation', '\\sqrt{2}', 'The length is √3.', false],
  ['numbers', '1000.99', 'The total is 1,000.99 dollars.', true],
  ['numbers', '\\$18.90', 'She pays $\\boxed{18.9}$ dollars.', true],
  ['numbers', '\\$18.90', 'She pays $\\boxed{19.8}$ dollars.', false],
  ['numbers', '3', 'Therefore $x = 3.0$.', true],
  ['numbers', '24 \\text{ cm}^2', 'The area is $\\boxed{24\\text{ cm}^2}$.', true],
  ['numbers', '24 \\text{ cm}^2', 'The area is 24 square centimeters.', true],
  ['numbers', '24 \\text{ cm}^2', 'The area is 42 square centimeters.', false],
  ['multi', '\\{-1, 1\\}', '$\\boxed{x = \\pm 1}$', true],
  ['multi', '\\{-1, 1\\}', '$\\boxed{x = 1}$', false],
  ['multi', '(11,7), (7,11)', '**Answer:** $(p,q) = (11,7)$ or $(7,11)$', true],
  ['multi', '3, 4', 'The two numbers are 3 and 4.', true],
  ['multi', '3, 4', 'The two numbers are 3 and 5.', false],
  [
    'matrices',
    '\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}',
    'So $\\vec{v} = \\left(\\begin{array}{c}1\\\\2\\end{array}\\right)$.',
    true,
  ],
  [
    'matrices',
    '\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}',
    '\\[\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}\\]',
    true,
  ],
  [
    'matrices',
    '\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}',
    '\\[\\begin{pmatrix}1&2\\\\4&3\\end{pmatrix}\\]',
    false,
  ],
  [
    'prose',
    '5',
    'The number of solutions is five... let me count again: 1, 2, 3, 4, 5.\n\nSo there are 5 solutions.',
    true,
  ],
  ['prose', '16', 'Thus, the largest possible value is $\\mathbf{16}$.', true],
  ['prose', '16', 'Thus, the largest possible value is $\\mathbf{18}$.', false],
  ['notation', '\\frac{1}{2}\\ln 2', '\\boxed{\\frac{\\ln 2}{2}}', true],
  ['notation', '\\frac{1}{2}\\ln 2', '\\boxed{\\ln \\sqrt{2}}', true],
  ['notation', '\\frac{1}{2}\\ln 2', '\\boxed{\\ln 2}', false],
];
for (const [family, gold, pred, eq] of FOURTH)
  add(
    family,
    gold,
    pred,
    eq,
    'hand-written in the style of model outputs (fourth batch, not tuned on)',
  );

const lines = pairs.map((p, i) =>
  JSON.stringify({ id: `${p.family}-${String(i + 1).padStart(4, '0')}`, ...p }),
);
writeFileSync(OUT, `${lines.join('\n')}\n`);
const by = new Map<string, [number, number]>();
for (const p of pairs) {
  const c = by.get(p.family) ?? [0, 0];
  c[p.equal ? 0 : 1]++;
  by.set(p.family, c);
}
console.log(`${pairs.length} pairs written to ${OUT}`);
for (const [f, [e, u]] of by) console.log(`  ${f}: ${e} equal, ${u} unequal`);
