// The Solver's behaviour model. P(correct) = sigmoid(SLOPE · (skill[topic] − difficulty)):
// a model is right half the time on problems at its skill level, and each level of
// difficulty above it divides its odds by e^SLOPE ≈ 3.3.
import type { Topic } from './form';
import type { Skills } from './models';
import { type Problem, parseProblem, wrongAnswer } from './problems';
import { Rng, uniform } from './rng';

export const SOLVER_SLOPE = 1.2;
/** Share of sampled trajectories that end without a usable \boxed{} answer. */
export const MALFORMED_RATE = 0.04;

export function pCorrect(skill: number, difficulty: number): number {
  return 1 / (1 + Math.exp(-SOLVER_SLOPE * (skill - difficulty)));
}

export interface SolveInput {
  labSeed: number;
  /** Model id: chooses the wording of mistakes, never whether the model is right. */
  model: string;
  skills: Skills;
  /** The text the Solver was given (the problem is found inside it). */
  prompt: string;
  requestSeed: number;
  sampleIndex: number;
  temperature: number;
}

export interface SolveOutcome {
  text: string;
  kind: 'correct' | 'wrong' | 'malformed' | 'unknown';
  problem: Problem | null;
}

const OPENINGS: Record<Topic, string> = {
  arithmetic: 'We evaluate the expression, respecting the order of operations.',
  algebra: 'We isolate x by collecting like terms.',
  'number-theory': 'We work with divisibility and remainders.',
  counting: 'We count the possibilities systematically.',
  geometry: 'We use the standard formulas for lengths and areas.',
  probability: 'We count favourable outcomes over equally likely outcomes.',
  sequences: 'We identify the pattern of the sequence.',
};

/**
 * One sampled trajectory. Whether it is right depends only on (lab seed, problem,
 * request seed, sample index) and the skill — common random numbers across
 * models — so a model with more skill is right on a superset of samples, and
 * training shows up as improvement rather than as noise. Temperature 0 is greedy:
 * right exactly when P(correct) ≥ 1/2, never malformed.
 */
export function solve(input: SolveInput): SolveOutcome {
  const problem = parseProblem(input.prompt);
  const style = new Rng(
    input.labSeed,
    'solver-style',
    input.model,
    input.prompt,
    input.requestSeed,
    input.sampleIndex,
  );
  if (!problem) {
    const guess = style.int(0, 99);
    return {
      text: `I will try to reason about this problem directly.\nMy best estimate is ${guess}.\n\nThe final answer is \\boxed{${guess}}.`,
      kind: 'unknown',
      problem: null,
    };
  }
  const greedy = input.temperature < 0.05;
  const draw = (what: string) =>
    greedy ? 0.5 : uniform(input.labSeed, what, problem.text, input.requestSeed, input.sampleIndex);
  const p = pCorrect(input.skills[problem.topic], problem.difficulty);
  const correct = greedy ? p >= 0.5 : draw('solver-correct') < p;
  const malformed = !greedy && draw('solver-malformed') < MALFORMED_RATE;
  const opening = OPENINGS[problem.topic];
  const [first = '', last = ''] = problem.steps;

  if (malformed) {
    // Ran out of steam: no box at all, or a box that never closes.
    const answer = correct ? problem.answer : wrongAnswer(problem.answer, style).answer;
    const text = style.chance(0.5)
      ? `${opening}\n${first}\nSo the answer should be ${answer}, I think.`
      : `${opening}\n${first}\nThe final answer is \\boxed{${answer}`;
    return { text, kind: 'malformed', problem };
  }
  if (correct) {
    return {
      text: `${opening}\n${first}\n${last}\n\nThe final answer is \\boxed{${problem.answer}}.`,
      kind: 'correct',
      problem,
    };
  }
  const wrong = wrongAnswer(problem.answer, style);
  return {
    text: `${opening}\n${first}\nCarrying this through gives ${wrong.answer}.\n\nThe final answer is \\boxed{${wrong.answer}}.`,
    kind: 'wrong',
    problem,
  };
}
