// SPEC §3 step 6: preference pairs for every judged problem still active, stored and
// exported 90/10 in TRL's conversational {prompt, chosen, rejected} format: the prompt is
// the Solver's sampling messages, each side one assistant message.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { and, asc, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm';
import { preferencePairs } from '../algorithm/pairs';
import { contentId, runContentKey } from '../algorithm/random';
import { splitOf } from '../algorithm/split';
import type { Database } from '../db/client';
import { attempts, llmCalls, pairs, problems, roundProblems } from '../db/schema';
import { type ChatMessage, solvePrompt } from '../prompts';
import { writeFileAtomicSync } from '../system/files';
import type { ActivityDeps } from './deps';
import { runConfig } from './deps';
import { referenceCompletion } from './reference-solutions';
import { problemsOfRound, type RoundRef } from './round-set';

export async function buildPairs(deps: ActivityDeps, ref: RoundRef): Promise<{ pairs: number }> {
  const config = await runConfig(deps.db, ref.runId);
  const judged = await problemsOfRound(deps.db, ref, {
    batchSize: config.loop.batchSize,
    activeOnly: true,
  });
  const tries = await deps.db
    .select({ id: attempts.id, problemId: attempts.problemId, correct: attempts.correct })
    .from(attempts)
    .where(and(eq(attempts.runId, ref.runId), eq(attempts.round, ref.round)))
    .orderBy(asc(attempts.problemId), asc(attempts.sampleIndex));
  const byProblem = new Map<string, typeof tries>();
  for (const a of tries) {
    if (!byProblem.has(a.problemId)) byProblem.set(a.problemId, []);
    byProblem.get(a.problemId)!.push(a);
  }
  const withoutReference: string[] = [];
  const rows = judged.flatMap(({ id: problemId, solution }) => {
    const judgedTries = (byProblem.get(problemId) ?? []).map((a) => ({
      id: a.id,
      correct: a.correct === true,
    }));
    // The reference wins only as a worked solution (SPEC §3 step 6): none, no reference pairs.
    if (!solution?.trim() && !judgedTries.some((a) => a.correct)) {
      if (judgedTries.length > 0) withoutReference.push(problemId);
      return [];
    }
    return preferencePairs(judgedTries).map((pair) => {
      const id = contentId(
        'pair',
        runContentKey(ref.runId),
        ref.round,
        problemId,
        pair.chosenAttemptId ?? 'reference',
        pair.rejectedAttemptId,
      );
      return { id, ...ref, problemId, ...pair, split: splitOf(id, config.loop.validationFraction) };
    });
  });
  // Normally the reference-solution stage said why already; a round replayed from before it did not.
  if (withoutReference.length > 0)
    await deps.db
      .update(roundProblems)
      .set({ noReferenceReason: 'no verified reference solution: the problem has none' })
      .where(
        and(
          eq(roundProblems.runId, ref.runId),
          eq(roundProblems.round, ref.round),
          inArray(roundProblems.problemId, withoutReference),
          isNull(roundProblems.noReferenceReason),
        ),
      );
  for (let i = 0; i < rows.length; i += 500)
    await deps.db
      .insert(pairs)
      .values(rows.slice(i, i + 500))
      .onConflictDoNothing();
  return { pairs: rows.length };
}

/** One pair as the trainer reads it (TRL's conversational format), with its ids. */
export interface PairRecord {
  id: string;
  round: number;
  problemId: string;
  chosenAttemptId: string | null;
  rejectedAttemptId: string;
  split: 'train' | 'validation';
  /** Exactly the messages the Solver was sampled with. */
  prompt: ChatMessage[];
  chosen: ChatMessage[];
  rejected: ChatMessage[];
}

/** The pairs of rounds (after, upTo], in id order, with their texts. */
export async function pairRecords(
  db: Database,
  runId: string,
  rounds: { after: number; upTo: number } = { after: 0, upTo: 2 ** 31 - 1 },
): Promise<PairRecord[]> {
  const rows = await db
    .select({
      id: pairs.id,
      round: pairs.round,
      problemId: pairs.problemId,
      split: pairs.split,
      problem: problems.text,
      answer: problems.answer,
      solution: problems.solution,
      chosenAttemptId: pairs.chosenAttemptId,
      rejectedAttemptId: pairs.rejectedAttemptId,
    })
    .from(pairs)
    .innerJoin(problems, and(eq(problems.runId, pairs.runId), eq(problems.id, pairs.problemId)))
    .where(
      and(eq(pairs.runId, runId), gt(pairs.round, rounds.after), lte(pairs.round, rounds.upTo)),
    )
    .orderBy(asc(pairs.id));
  const ids = [
    ...new Set(
      rows.flatMap((r) => [r.chosenAttemptId, r.rejectedAttemptId]).filter((x) => x !== null),
    ),
  ];
  const texts = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = await db
      .select({ id: attempts.id, text: attempts.text })
      .from(attempts)
      .where(inArray(attempts.id, ids.slice(i, i + 1000)));
    for (const a of chunk) texts.set(a.id, a.text);
  }
  const sampledWith = await sampledMessages(db, runId, rounds);
  const assistant = (content: string): ChatMessage[] => [{ role: 'assistant', content }];
  return rows.map(({ problem, answer, solution, ...r }) => ({
    ...r,
    prompt: sampledWith.get(`${r.round}\n${problem}`) ?? solvePrompt(problem),
    chosen: assistant(
      r.chosenAttemptId
        ? (texts.get(r.chosenAttemptId) ?? '')
        : referenceCompletion(solution ?? '', answer),
    ),
    rejected: assistant(texts.get(r.rejectedAttemptId) ?? ''),
  }));
}

/**
 * The messages each problem's attempts were sampled with, by round and problem text, as the
 * Solver request recorded them: the prompt version of the sampling, even if a later
 * version of the code writes the prompt differently.
 */
async function sampledMessages(
  db: Database,
  runId: string,
  rounds: { after: number; upTo: number },
): Promise<Map<string, ChatMessage[]>> {
  const calls = await db
    .select({
      round: llmCalls.round,
      messages: sql<ChatMessage[]>`${llmCalls.request}->'messages'`,
    })
    .from(llmCalls)
    .where(
      and(
        eq(llmCalls.runId, runId),
        eq(llmCalls.role, 'solver'),
        gt(llmCalls.round, rounds.after),
        lte(llmCalls.round, rounds.upTo),
      ),
    );
  const byProblem = new Map<string, ChatMessage[]>();
  for (const { round, messages } of calls) {
    const problem = [...messages].reverse().find((m) => m.role === 'user')?.content;
    if (problem !== undefined) byProblem.set(`${round}\n${problem}`, messages);
  }
  return byProblem;
}

/** Writes the pairs of rounds (after, upTo] as TRL JSONL files; returns their paths. */
export async function exportPairs(
  db: Database,
  runId: string,
  rounds: { after: number; upTo: number },
  dir: string,
): Promise<{ train: string; validation: string; counts: { train: number; validation: number } }> {
  const lines = { train: [] as string[], validation: [] as string[] };
  for (const { split, prompt, chosen, rejected } of await pairRecords(db, runId, rounds))
    lines[split].push(JSON.stringify({ prompt, chosen, rejected }));
  mkdirSync(dir, { recursive: true });
  const write = (name: string, content: string[]) => {
    const file = path.join(dir, name);
    writeFileAtomicSync(file, content.map((l) => `${l}\n`).join(''));
    return file;
  };
  return {
    train: write('pairs.train.jsonl', lines.train),
    validation: write('pairs.validation.jsonl', lines.validation),
    counts: { train: lines.train.length, validation: lines.validation.length },
  };
}
