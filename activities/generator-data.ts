// SPEC §3 steps 11–12: the Generator's training data. Each triple (q, failed attempt, q′)
// comes from a Teacher refinement aimed at a failure (targeted; harder variants are not
// triples), whose q′ was admitted and then measured by the updated Solver (its weight
// U(q′)); no problem self-verification dropped takes part (paper App. I). In the WSFT
// trainer's conversational {prompt, completion, weight} format: the prompt is the
// Generator's own chat messages, the completion the Teacher's JSON reply.
import { and, asc, eq, gte, isNotNull, lte } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../db/client';
import { attempts, problems, refinements } from '../db/schema';
import { type ChatMessage, generatePrompt } from '../prompts';

export interface GeneratorExample {
  round: number;
  sourceProblemId: string;
  sourceAttemptId: string;
  problemId: string;
  measuredSuccessRate: number;
  prompt: ChatMessage[];
  completion: ChatMessage[];
  weight: number;
}

/** The run's triples, or those of rounds [first, last] (a Generator's training data). */
export async function generatorExamples(
  db: Database,
  runId: string,
  rounds?: [first: number, last: number],
): Promise<GeneratorExample[]> {
  const source = alias(problems, 'source');
  const written = alias(problems, 'written');
  const rows = await db
    .select({
      round: refinements.round,
      sourceProblemId: refinements.sourceProblemId,
      sourceAttemptId: refinements.sourceAttemptId,
      problemId: written.id,
      problem: source.text,
      attempt: attempts.text,
      newProblem: written.text,
      solution: written.solution,
      answer: written.answer,
      measuredSuccessRate: refinements.measuredSuccessRate,
      weight: refinements.utility,
    })
    .from(refinements)
    .innerJoin(
      source,
      and(eq(source.runId, refinements.runId), eq(source.id, refinements.sourceProblemId)),
    )
    .innerJoin(
      written,
      and(eq(written.runId, refinements.runId), eq(written.id, refinements.problemId)),
    )
    .innerJoin(attempts, eq(attempts.id, refinements.sourceAttemptId))
    .where(
      and(
        eq(refinements.runId, runId),
        rounds ? gte(refinements.round, rounds[0]) : undefined,
        rounds ? lte(refinements.round, rounds[1]) : undefined,
        eq(refinements.mode, 'targeted'),
        eq(refinements.status, 'admitted'),
        isNotNull(refinements.utility),
        eq(source.status, 'active'),
        eq(written.status, 'active'),
      ),
    )
    .orderBy(asc(refinements.round), asc(refinements.id));
  return rows.map((r) => ({
    round: r.round,
    sourceProblemId: r.sourceProblemId,
    sourceAttemptId: r.sourceAttemptId,
    problemId: r.problemId,
    measuredSuccessRate: r.measuredSuccessRate ?? 0,
    prompt: generatePrompt({ problem: r.problem, failedAttempt: r.attempt }),
    completion: [
      {
        role: 'assistant',
        content: JSON.stringify({
          problem: r.newProblem,
          solution: r.solution ?? '',
          answer: r.answer,
        }),
      },
    ],
    weight: r.weight ?? 0,
  }));
}
