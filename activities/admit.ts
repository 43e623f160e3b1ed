// SPEC §3 steps 9–10: admission checks on the round's candidates, in a stable order,
// and D_{t+1} = D_t ∪ admitted. Every rejection keeps its reason.
import { and, asc, eq } from 'drizzle-orm';
import { admit, normaliseProblemText, TextIndex } from '../algorithm/admission';
import { contentId, runContentKey } from '../algorithm/random';
import { problems, refinements } from '../db/schema';
import { MAX_ANSWER_CHARS, parseAnswer } from '../verifier/core';
import { benchmarkIndex } from './benchmarks';
import { type ActivityDeps, runConfig } from './deps';
import type { RoundRef } from './round-set';

export function problemId(runId: string, text: string): string {
  return contentId('problem', runContentKey(runId), normaliseProblemText(text));
}

/**
 * Whether MathRule can read the answer (as mathematics, a choice letter or prose): an answer
 * it cannot read would leave every later attempt on the problem to the Teacher alone.
 */
export function answerParses(answer: string): boolean {
  return answer.length <= MAX_ANSWER_CHARS && parseAnswer(answer) !== null;
}

/**
 * The step-9 checks against a run's curriculum as it stands, for a stream of candidates:
 * `check` says whether one may enter; `add` records one that did, so later ones are
 * checked against it too. Used by rounds and curriculum refreshes alike.
 */
export async function admissionGate(deps: ActivityDeps, runId: string) {
  const config = await runConfig(deps.db, runId);
  const limits = config.loop.admission;
  const curriculum = new TextIndex(limits.ngram);
  const existing = await deps.db
    .select({ id: problems.id, text: problems.text, subject: problems.subject })
    .from(problems)
    .where(eq(problems.runId, runId));
  const subjects = new Map(existing.map((p) => [p.id, p.subject]));
  for (const p of existing) curriculum.add(p.text);
  const benchmarks = await benchmarkIndex(config);
  return {
    subjects,
    check: (text: string, answer: string) =>
      admit({ text, answer, answerParses: answerParses(answer) }, curriculum, benchmarks, limits),
    add: (text: string) => curriculum.add(text),
  };
}

export async function admitRefinements(
  deps: ActivityDeps,
  ref: RoundRef,
): Promise<{ admitted: number; rejected: Record<string, number> }> {
  const gate = await admissionGate(deps, ref.runId);

  const candidates = await deps.db
    .select()
    .from(refinements)
    .where(and(eq(refinements.runId, ref.runId), eq(refinements.round, ref.round)))
    .orderBy(asc(refinements.id));
  let admitted = 0;
  const rejected: Record<string, number> = {};
  const tally = (reason: string) => {
    rejected[reason] = (rejected[reason] ?? 0) + 1;
  };
  for (const candidate of candidates) {
    if (candidate.status === 'rejected') {
      tally(candidate.reason ?? 'unknown');
      continue;
    }
    const text = candidate.text ?? '';
    const answer = candidate.answer ?? '';
    // Admitted on an earlier try of this activity: its problem is in the index already.
    if (candidate.status === 'admitted') {
      admitted++;
      continue;
    }
    const verdict = gate.check(text, answer);
    if (verdict.admitted) {
      const id = problemId(ref.runId, text);
      await deps.db.transaction(async (tx) => {
        await tx
          .insert(problems)
          .values({
            runId: ref.runId,
            id,
            text,
            answer,
            solution: candidate.solution,
            origin: candidate.author,
            writerModel: candidate.writerModel,
            parentId: candidate.sourceProblemId,
            parentAttemptId: candidate.sourceAttemptId,
            roundCreated: ref.round,
            subject: gate.subjects.get(candidate.sourceProblemId) ?? null,
          })
          .onConflictDoNothing();
        await tx
          .update(refinements)
          .set({ status: 'admitted', problemId: id })
          .where(eq(refinements.id, candidate.id));
      });
      gate.add(text);
      admitted++;
    } else {
      tally(verdict.reason);
      await deps.db
        .update(refinements)
        .set({ status: 'rejected', reason: verdict.reason, detail: verdict.detail })
        .where(eq(refinements.id, candidate.id));
    }
  }
  return { admitted, rejected };
}
