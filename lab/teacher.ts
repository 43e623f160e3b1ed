// The Teacher's behaviour model: it judges against the reference it is given,
// writes targeted or harder variants (sometimes with a wrong stated answer), and
// re-solves its own problems exactly, which is how broken ones get caught.
import { H } from '../prompts/index';
import type { JudgeReply, NewProblemReply, SelfVerifyReply } from '../prompts/replies';
import type { Sections } from '../prompts/sections';
import { extractAnswer } from '../verifier/index';
import { TOPICS } from './form';
import type { Knobs } from './knobs';
import {
  brokenVariant,
  classifyMistake,
  generateProblem,
  harderVariant,
  type Mistake,
  type Problem,
  parseProblem,
  targetedVariant,
} from './problems';
import { sameAnswer } from './rational';
import type { Rng } from './rng';

const MISTAKE_ANALYSIS: Record<Mistake, string> = {
  'off-by-one': 'an off-by-one error: the count or the last step is one too many or one too few',
  sign: 'a sign error: a subtraction or a negative value was handled with the wrong sign',
  'inverted fraction': 'the fraction is inverted: numerator and denominator were swapped',
  'factor of two': 'a factor of two was lost or doubled (e.g. a missing division by 2)',
  'arithmetic slip': 'an arithmetic slip in an intermediate step',
};

/** The numbered answers of a judge prompt, in order. */
function answersOf(sections: Sections): string[] {
  const answers: string[] = [];
  for (let i = 1; sections[H.answer(i)] !== undefined; i++) answers.push(sections[H.answer(i)]!);
  return answers;
}

export function judge(sections: Sections, knobs: Knobs, rng: Rng): JudgeReply {
  const reference = sections[H.reference] ?? '';
  const verdicts = answersOf(sections).map((attempt, i) => {
    const predicted = extractAnswer(attempt);
    const right = predicted !== null && sameAnswer(predicted, reference);
    const flipped = rng.fork('judge-error', i).chance(knobs.judgeErrorRate);
    const correct = flipped ? !right : right;
    let errorAnalysis = '';
    if (!correct) {
      if (predicted === null)
        errorAnalysis = 'The attempt never states a final answer in \\boxed{}.';
      else if (right) errorAnalysis = 'The final answer is not justified by the preceding steps.';
      else
        errorAnalysis = `The final answer ${predicted} differs from the reference ${reference}: ${MISTAKE_ANALYSIS[classifyMistake(predicted, reference)]}.`;
    }
    return { index: i + 1, correct, errorAnalysis };
  });
  if (verdicts.length === 0)
    verdicts.push({ index: 1, correct: false, errorAnalysis: 'No answer was given.' });
  return { verdicts };
}

/** The source problem of a refine/generate prompt, or a stand-in when it is not a lab problem. */
export function sourceProblem(sections: Sections, rng: Rng): Problem {
  return (
    parseProblem(sections[H.problem] ?? '') ??
    generateProblem(rng.pick(TOPICS), rng.int(2, 4), rng.fork('stand-in'))
  );
}

/** Renders a written problem as a reply; with probability brokenProblemRate its stated answer is wrong. */
export function writtenProblem(problem: Problem, knobs: Knobs, rng: Rng): NewProblemReply {
  if (rng.fork('broken').chance(knobs.brokenProblemRate)) {
    const broken = brokenVariant(problem, rng.fork('broken-answer'));
    return {
      problem: broken.text,
      solution: `${broken.steps[0] ?? ''}\nHence the answer is ${broken.statedAnswer}.`,
      answer: broken.statedAnswer,
    };
  }
  return { problem: problem.text, solution: problem.steps.join('\n'), answer: problem.answer };
}

export function refine(
  kind: 'targeted' | 'harder',
  sections: Sections,
  knobs: Knobs,
  rng: Rng,
): NewProblemReply {
  const source = sourceProblem(sections, rng.fork('source'));
  const variant =
    kind === 'harder'
      ? harderVariant(source, rng.fork('variant'))
      : targetedVariant(source, rng.fork('variant'));
  return writtenProblem(variant, knobs, rng);
}

export function selfVerify(sections: Sections): SelfVerifyReply {
  const reference = sections[H.reference] ?? '';
  const problem = parseProblem(sections[H.problem] ?? '');
  if (!problem) {
    // Not a lab problem: the Teacher cannot do better than trust its reference.
    return {
      solution: '',
      answer: reference,
      statementIssue: null,
      explanation: 'Re-solving reproduces the reference answer.',
    };
  }
  const solution = problem.steps.join('\n');
  if (sameAnswer(problem.answer, reference)) {
    return {
      solution,
      answer: problem.answer,
      statementIssue: null,
      explanation: 'The reference answer checks out.',
    };
  }
  return {
    solution,
    answer: problem.answer,
    statementIssue: 'wrong',
    explanation: `Solving again gives ${problem.answer}, not the stated reference ${reference}.`,
  };
}

/** A worked solution in prose, ending in the boxed answer: the Teacher solves lab problems exactly. */
export function referenceSolution(sections: Sections): string {
  const reference = sections[H.reference] ?? '';
  const problem = parseProblem(sections[H.problem] ?? '');
  if (!problem) return `Working from the statement, the result is $\\boxed{${reference}}$.`;
  return `${problem.steps.join('\n')}\n\nThe answer is $\\boxed{${problem.answer}}$.`;
}
