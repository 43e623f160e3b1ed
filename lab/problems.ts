// Procedurally generated problems with exactly known answers. The statement alone
// determines topic, difficulty and answer (parseProblem), so the lab's server and
// trainer need no state to know what they are looking at.
import { H } from '../prompts/index';
import { parseSections } from '../prompts/sections';
import { type Form, MAX_DIFFICULTY, MIN_DIFFICULTY, TOPICS, type Topic } from './form';
import { formatRational, parseAnswer, sameAnswer } from './rational';
import type { Rng } from './rng';
import { algebraForms } from './topics/algebra';
import { arithmeticForms } from './topics/arithmetic';
import { countingForms } from './topics/counting';
import { geometryForms } from './topics/geometry';
import { numberTheoryForms } from './topics/numberTheory';
import { probabilityForms } from './topics/probability';
import { sequenceForms } from './topics/sequences';

export { MAX_DIFFICULTY, MIN_DIFFICULTY, TOPICS, type Topic };

export interface Problem {
  text: string;
  /** The exact answer: an integer or a reduced fraction in LaTeX. */
  answer: string;
  topic: Topic;
  difficulty: number;
  /** Worked solution lines. */
  steps: string[];
}

/** A problem whose stated answer is wrong: what a careless Teacher writes. */
export interface BrokenProblem extends Problem {
  statedAnswer: string;
}

const FORMS: Form[] = [
  ...arithmeticForms,
  ...algebraForms,
  ...numberTheoryForms,
  ...countingForms,
  ...geometryForms,
  ...probabilityForms,
  ...sequenceForms,
];

export const clampDifficulty = (d: number) =>
  Math.min(MAX_DIFFICULTY, Math.max(MIN_DIFFICULTY, Math.round(d)));

function formFor(topic: Topic, difficulty: number): Form {
  const form = FORMS.find((f) => f.topic === topic && f.difficulty === clampDifficulty(difficulty));
  if (!form) throw new Error(`no form for ${topic} at difficulty ${difficulty}`);
  return form;
}

export function generateProblem(topic: Topic, difficulty: number, rng: Rng): Problem {
  const form = formFor(topic, difficulty);
  return { ...form.generate(rng), topic, difficulty: form.difficulty };
}

function findIn(text: string): Problem | null {
  let best: (Problem & { index: number }) | null = null;
  for (const form of FORMS) {
    const found = form.find(text);
    if (found && (!best || found.index < best.index)) {
      best = { ...found, topic: form.topic, difficulty: form.difficulty };
    }
  }
  if (!best) return null;
  const { index: _index, ...problem } = best;
  return problem;
}

const parsed = new Map<string, Problem | null>();

/**
 * Recovers a lab problem from any text that contains one: the bare statement, a
 * prompt with a `### Problem` section (preferred, since answers quoted in other
 * sections may restate other problems), or a DPO prompt string.
 */
export function parseProblem(text: string): Problem | null {
  const cached = parsed.get(text);
  if (cached !== undefined) return cached;
  const section = parseSections(text)[H.problem];
  const problem = (section !== undefined ? findIn(section) : null) ?? findIn(text);
  // n samples of one request, and the judge after them, parse the same text: remember a few thousand.
  if (parsed.size >= 5000) parsed.clear();
  parsed.set(text, problem);
  return problem;
}

/** Same topic, one step harder (capped), fresh parameters. */
export function harderVariant(problem: Pick<Problem, 'topic' | 'difficulty'>, rng: Rng): Problem {
  return generateProblem(problem.topic, clampDifficulty(problem.difficulty + 1), rng);
}

/** Same topic, same or a nearby difficulty: practice aimed at the skill that failed. */
export function targetedVariant(problem: Pick<Problem, 'topic' | 'difficulty'>, rng: Rng): Problem {
  const shift = rng.pick([-1, 0, 0, 0, 1]);
  return generateProblem(problem.topic, clampDifficulty(problem.difficulty + shift), rng);
}

export type Mistake =
  | 'off-by-one'
  | 'sign'
  | 'inverted fraction'
  | 'factor of two'
  | 'arithmetic slip';

/** Answers a careless solver (or Teacher) plausibly writes instead of the right one. */
export function wrongAnswer(answer: string, rng: Rng): { answer: string; mistake: Mistake } {
  const r = parseAnswer(answer);
  if (!r) return { answer: `${answer}+1`, mistake: 'arithmetic slip' };
  const candidates: { answer: string; mistake: Mistake }[] = [
    { answer: formatRational({ num: r.num + r.den, den: r.den }), mistake: 'off-by-one' },
    { answer: formatRational({ num: r.num - r.den, den: r.den }), mistake: 'off-by-one' },
    { answer: formatRational({ num: r.num * 2, den: r.den }), mistake: 'factor of two' },
    {
      answer: formatRational({ num: r.num + rng.int(2, 9) * r.den, den: r.den }),
      mistake: 'arithmetic slip',
    },
  ];
  if (r.num !== 0)
    candidates.push({ answer: formatRational({ num: -r.num, den: r.den }), mistake: 'sign' });
  if (r.den !== 1 && r.num !== 0) {
    const sign = r.num < 0 ? -1 : 1;
    candidates.push({
      answer: formatRational({ num: sign * r.den, den: Math.abs(r.num) }),
      mistake: 'inverted fraction',
    });
    candidates.push({
      answer: formatRational({ num: r.num + 1, den: r.den }),
      mistake: 'arithmetic slip',
    });
  }
  const differs = candidates
    .map((c) => ({ ...c, answer: normaliseFraction(c.answer) }))
    .filter((c) => !sameAnswer(c.answer, answer));
  return rng.pick(differs);
}

/** formatRational of an unreduced pair; re-read so fractions come out reduced. */
function normaliseFraction(answer: string): string {
  const r = parseAnswer(answer);
  return r ? formatRational(r) : answer;
}

/** What a mistake looks like to a grader who knows the right answer. */
export function classifyMistake(predicted: string, reference: string): Mistake {
  const p = parseAnswer(predicted);
  const r = parseAnswer(reference);
  if (!p || !r) return 'arithmetic slip';
  const pv = p.num / p.den;
  const rv = r.num / r.den;
  if (Math.abs(Math.abs(pv - rv) - 1) < 1e-9) return 'off-by-one';
  if (rv !== 0 && Math.abs(pv + rv) < 1e-9) return 'sign';
  if (pv !== 0 && rv !== 0 && Math.abs(pv * rv - 1) < 1e-9) return 'inverted fraction';
  if (rv !== 0 && (Math.abs(pv - 2 * rv) < 1e-9 || Math.abs(2 * pv - rv) < 1e-9))
    return 'factor of two';
  return 'arithmetic slip';
}

/** A sound statement paired with a wrong stated answer; self-verification should catch it. */
export function brokenVariant(problem: Problem, rng: Rng): BrokenProblem {
  return { ...problem, statedAnswer: wrongAnswer(problem.answer, rng).answer };
}
