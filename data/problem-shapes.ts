// The record shapes of the problem files users hold (MATH, MATH-500, the paper's
// seeds, GSM8K, AIME24, AMC23, Minerva, OlympiadBench), as one zod union whose
// branches each turn their record into the common fields. Extra keys are ignored.
import { z } from 'zod';
import { extractBoxed } from '../verifier/index';

/** A problem as loaded from a file, whatever the file's format. */
export interface ProblemRecord {
  text: string;
  /** The reference final answer, never empty. */
  answer: string;
  solution?: string;
  subject?: string;
  /** MATH level (1–5) when the file gives one. */
  difficulty?: number;
  /** Where it came from: "file:line" (JSONL) or "file#index" (JSON array); file = base name. */
  sourceRef: string;
}

export type ParsedProblem = Omit<ProblemRecord, 'sourceRef'>;

const NON_EMPTY = 'expected a non-empty string';

const text = z.string({ error: NON_EMPTY }).trim().min(1, { error: NON_EMPTY });
const optionalText = z
  .string({ error: 'expected a string' })
  .nullish()
  .transform((s) => (s?.trim() ? s.trim() : undefined));

/**
 * Answers may be numbers (AMC23: 27.0) and may still hold a GSM8K rationale before "####":
 * the final answer is what follows the last "####".
 */
const answer = z
  .union([z.string(), z.number().finite()], { error: 'expected a non-empty string or a number' })
  .transform((value) => splitRationale(String(value)))
  .refine((split) => split.final.length > 0, { error: NON_EMPTY });

/** "Level 3" (original MATH), 3 or 3.0 (DeepScaleR); "Level ?" (MATH's unknown level) = none. */
const LEVEL = 'expected a number or "Level N"';
const difficulty = z
  .union([z.number().nonnegative(), z.string().regex(/^Level (\d+|\?)$/, { error: LEVEL })], {
    error: LEVEL,
  })
  .nullish()
  .transform((value) => {
    if (typeof value === 'number') return value;
    const level = value?.slice('Level '.length);
    return level && level !== '?' ? Number(level) : undefined;
  });

/** MATH, MATH-500, seeds_paper100, AIME24 (and AMC23, which also carries `problem`). */
const problemWithAnswer = z
  .object({
    problem: text,
    answer,
    solution: optionalText,
    difficulty,
    level: difficulty,
    subject: optionalText,
    type: optionalText,
  })
  .transform(
    (r): ParsedProblem =>
      withoutUndefined({
        text: r.problem,
        answer: r.answer.final,
        solution: r.solution ?? r.answer.rationale,
        subject: r.subject ?? r.type,
        difficulty: r.difficulty ?? r.level,
      }),
  );

/** Minerva: the answer lives in the solution's last \boxed{}. */
const problemWithBoxedSolution = z
  .object({
    problem: text,
    solution: text.refine((s) => Boolean(extractBoxed(s)?.trim()), {
      error: 'expected a solution ending in a non-empty \\boxed{answer}',
    }),
    type: optionalText,
  })
  .transform(
    (r): ParsedProblem =>
      withoutUndefined({
        text: r.problem,
        answer: extractBoxed(r.solution)?.trim() ?? '',
        solution: r.solution,
        subject: r.type,
      }),
  );

/** GSM8K (answer = rationale + "#### N") and AMC23-style question/answer files. */
const questionWithAnswer = z.object({ question: text, answer, solution: optionalText }).transform(
  (r): ParsedProblem =>
    withoutUndefined({
      text: r.question,
      answer: r.answer.final,
      solution: r.solution ?? r.answer.rationale,
    }),
);

/** OlympiadBench: `final_answer` is a list of LaTeX strings, `solution` a list of alternatives. */
const questionWithFinalAnswers = z
  .object({
    question: text,
    final_answer: z
      .array(z.string({ error: 'expected a list of strings' }), {
        error: 'expected a list of strings',
      })
      .min(1, { error: 'expected at least one answer' })
      .transform((answers) => answers.map(stripMathDelimiters).join(', '))
      .pipe(z.string().min(1, { error: NON_EMPTY })),
    solution: z
      .union([z.string(), z.array(z.string())], { error: 'expected a string or a list of strings' })
      .nullish(),
    context: optionalText,
    subfield: optionalText,
  })
  .transform(
    (r): ParsedProblem =>
      withoutUndefined({
        // Some OlympiadBench subsets put shared setup in `context`; the problem needs it.
        text: r.context ? `${r.context}\n\n${r.question}` : r.question,
        answer: r.final_answer,
        // Alternatives are each a full solution: the first is the reference.
        solution: (Array.isArray(r.solution) ? r.solution[0] : r.solution)?.trim() || undefined,
        subject: r.subfield,
      }),
  );

/** Branch order decides ties when a broken record could be several shapes. */
export const PROBLEM_SHAPES = [
  problemWithAnswer,
  problemWithBoxedSolution,
  questionWithAnswer,
  questionWithFinalAnswers,
] as const;

export const ProblemShape = z.union(PROBLEM_SHAPES);

/** GSM8K's answer = worked solution + "#### N"; the solution loses its calculator notes ("<<2*3=6>>"). */
function splitRationale(raw: string): { final: string; rationale?: string } {
  const marker = raw.lastIndexOf('####');
  if (marker < 0) return { final: raw.trim() };
  const rationale = raw
    .slice(0, marker)
    .replace(/<<[^<>]*>>/g, '')
    .trim();
  return { final: raw.slice(marker + 4).trim(), ...(rationale ? { rationale } : {}) };
}

/** "$2^{1009}$" → "2^{1009}"; "$69$,$84$" → "69,84" (an escaped "\$" stays). */
function stripMathDelimiters(answer: string): string {
  return answer.replace(/(?<!\\)\$/g, '').trim();
}

function withoutUndefined(record: ParsedProblem): ParsedProblem {
  for (const key of Object.keys(record) as (keyof ParsedProblem)[]) {
    if (record[key] === undefined) delete record[key];
  }
  return record;
}
