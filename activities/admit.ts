// SPEC §3 steps 9–10: admission checks on the round's candidates, in a stable order,
// and D_{t+1} = D_t ∪ admitted. Every rejection keeps its reason.
import { and, asc, eq } from 'drizzle-orm';
import { admit, normaliseProblemText, TextIndex } from '../algorithm/admission';
import { contentId } from '../algorithm/random';
import { problems, refinements } from '../db/schema';
import { verify } from '../verifier';
import { benchmarkIndex } from './benchmarks';
import { type ActivityDeps, runConfig } from './deps';
import type { RoundRef } from './round-set';

export function problemId(runId: string, text: string): string {
  return contentId('problem', runId, normaliseProblemText(text));
}

export async function admitRefinements(
  deps: ActivityDeps,
  ref: RoundRef,
): Promise<{ admitted: number; rejected: Record<string, number> }> {
  const config = await runConfig(deps.db, ref.runId);
  const limits = config.loop.admission;
  const curriculum = new TextIndex(limits.ngram);
  const existing = await deps.db
    .select({ text: problems.text })
    .from(problems)
    .where(eq(problems.runId, ref.runId));
  for (const p of existing) curriculum.add(p.text);
  const benchmarks = await benchmarkIndex(config);

  const candidates = await deps.db
    .select()
    .from(refinements)
    .where(and(eq(refinements.runId, ref.runId), eq(refinements.round, ref.round)))
    .orderBy(asc(refinements.id));
  let admitted = 0;
  const rejected: Record<string, number> = {};
  for (const candidate of candidates) {
    if (candidate.status === 'rejected') {
      rejected[candidate.reason ?? 'unknown'] = (rejected[candidate.reason ?? 'unknown'] ?? 0) + 1;
      continue;
    }
    const text = candidate.text ?? '';
    const answer = candidate.answer ?? '';
    // Already admitted on an earlier try of this activity: count it, the problem row exists.
    if (candidate.status === 'admitted') {
      curriculum.add(text);
      admitted++;
      continue;
    }
    const answerParses = answer.trim() !== '' && (await verify(answer, answer)).equal === true;
    const verdict = admit({ text, answer, answerParses }, curriculum, benchmarks, limits);
    if (verdict.admitted) {
      const id = problemId(ref.runId, text);
      const source = await deps.db
        .select({ subject: problems.subject })
        .from(problems)
        .where(and(eq(problems.runId, ref.runId), eq(problems.id, candidate.sourceProblemId)));
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
            parentId: candidate.sourceProblemId,
            parentAttemptId: candidate.sourceAttemptId,
            roundCreated: ref.round,
            subject: source[0]?.subject ?? null,
          })
          .onConflictDoNothing();
        await tx
          .update(refinements)
          .set({ status: 'admitted', problemId: id })
          .where(eq(refinements.id, candidate.id));
      });
      curriculum.add(text);
      admitted++;
    } else {
      rejected[verdict.reason] = (rejected[verdict.reason] ?? 0) + 1;
      await deps.db
        .update(refinements)
        .set({ status: 'rejected', reason: verdict.reason, detail: verdict.detail })
        .where(eq(refinements.id, candidate.id));
    }
  }
  return { admitted, rejected };
}
