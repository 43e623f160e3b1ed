// Every prompt the orchestrator sends. A prompt's version is part of the LLM cache
// key: bump it when its wording changes, so no stale cached reply is reused.
import { renderSections } from './sections';

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

export const PROMPT_VERSIONS = {
  solve: 'solve-v2',
  judge: 'judge-v1',
  refineTargeted: 'refine-targeted-v1',
  refineHarder: 'refine-harder-v1',
  selfVerify: 'self-verify-v1',
  referenceSolution: 'reference-solution-v1',
  generate: 'generate-v1',
} as const;
export type PromptKind = keyof typeof PROMPT_VERSIONS;

/** Section headings, shared with the simulated lab that parses them. */
export const H = {
  problem: 'Problem',
  reference: 'Reference answer',
  referenceSolution: 'Reference solution',
  failedAttempt: 'Failed attempt',
  errorAnalysis: 'Error analysis',
  successfulAttempt: 'Successful attempt',
  answer: (i: number) => `Answer ${i}`,
  instructions: 'Instructions',
} as const;

export const SYSTEM = {
  // Paper App. A.1: understand, plan, execute, verify; the final answer in \boxed{}.
  solve:
    'You are a careful mathematician. Solve the problem in four steps. ' +
    '1. Understand: restate what is given and what is asked. ' +
    '2. Plan: choose a method that leads to the answer. ' +
    '3. Execute: carry out the plan step by step, showing the work. ' +
    '4. Verify: check the result against the conditions of the problem. ' +
    'Then give the final answer in \\boxed{}.',
  judge: 'You are a mathematics teacher grading student answers against a reference answer.',
  refineTargeted:
    'You are a mathematics teacher writing a new practice problem aimed at a specific student error.',
  refineHarder:
    'You are a mathematics teacher writing a harder variant of a problem the student already masters.',
  selfVerify:
    'You are a mathematics teacher re-checking one of your own problems and its reference answer.',
  referenceSolution:
    'You are a mathematics teacher writing the worked solution of a problem whose answer you know.',
  generate:
    'You are a problem generator writing a new practice problem aimed at a specific student error.',
} as const;

const NEW_PROBLEM_JSON =
  'Reply with one JSON object: {"problem": string, "solution": string, "answer": string}. ' +
  'The answer must be a single exact final answer.';

export function solvePrompt(problem: string): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM.solve },
    { role: 'user', content: problem },
  ];
}

export function judgePrompt(problem: string, reference: string, attempts: string[]): ChatMessage[] {
  const sections: Record<string, string> = { [H.problem]: problem, [H.reference]: reference };
  attempts.forEach((attempt, i) => {
    sections[H.answer(i + 1)] = attempt;
  });
  sections[H.instructions] =
    'Decide for each answer whether its final answer is mathematically equal to the reference. ' +
    'For each wrong one, explain the error in one or two sentences. Reply with one JSON object: ' +
    '{"verdicts": [{"index": number, "correct": boolean, "errorAnalysis": string}]}, one entry per answer.';
  return [
    { role: 'system', content: SYSTEM.judge },
    { role: 'user', content: renderSections(sections) },
  ];
}

export function refineTargetedPrompt(input: {
  problem: string;
  reference: string;
  failedAttempt: string;
  errorAnalysis: string;
}): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM.refineTargeted },
    {
      role: 'user',
      content: renderSections({
        [H.problem]: input.problem,
        [H.reference]: input.reference,
        [H.failedAttempt]: input.failedAttempt,
        [H.errorAnalysis]: input.errorAnalysis || '(none given)',
        [H.instructions]: `Write one new problem that exercises the skill this attempt got wrong. ${NEW_PROBLEM_JSON}`,
      }),
    },
  ];
}

export function refineHarderPrompt(input: {
  problem: string;
  reference: string;
  successfulAttempt: string;
}): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM.refineHarder },
    {
      role: 'user',
      content: renderSections({
        [H.problem]: input.problem,
        [H.reference]: input.reference,
        [H.successfulAttempt]: input.successfulAttempt,
        [H.instructions]: `Write one harder variant of this problem. ${NEW_PROBLEM_JSON}`,
      }),
    },
  ];
}

export function selfVerifyPrompt(problem: string, reference: string): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM.selfVerify },
    {
      role: 'user',
      content: renderSections({
        [H.problem]: problem,
        [H.reference]: reference,
        [H.instructions]:
          'Solve the problem independently. If the statement is ambiguous, wrong or incomplete, say so. ' +
          'Reply with one JSON object: {"solution": string, "answer": string, ' +
          '"statementIssue": null | "ambiguous" | "wrong" | "incomplete", "explanation": string}.',
      }),
    },
  ];
}

/** A worked reference solution for a problem that has only an answer (the chosen side of its pairs). */
export function referenceSolutionPrompt(problem: string, reference: string): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM.referenceSolution },
    {
      role: 'user',
      content: renderSections({
        [H.problem]: problem,
        [H.reference]: reference,
        [H.instructions]:
          'Write a complete worked solution that a student can learn from: understand the problem, ' +
          'plan, carry out every step, verify the result. End with the final answer in \\boxed{}; ' +
          'it must equal the reference answer.',
      }),
    },
  ];
}

/** The Generator's prompt: the same (problem, failed attempt) → new problem mapping it is distilled on. */
export function generatePrompt(input: { problem: string; failedAttempt: string }): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM.generate },
    {
      role: 'user',
      content: renderSections({
        [H.problem]: input.problem,
        [H.failedAttempt]: input.failedAttempt,
        [H.instructions]: `Write one new problem that exercises the skill this attempt got wrong. ${NEW_PROBLEM_JSON}`,
      }),
    },
  ];
}
