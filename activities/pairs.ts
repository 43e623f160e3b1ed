// SPEC §3 step 6: preference pairs for every judged problem still active, stored and
// exported 90/10 in TRL's {prompt, chosen, rejected} format.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { and, asc, eq, gt, inArray, lte } from 'drizzle-orm';
import { preferencePairs } from '../algorithm/pairs';
import { contentId, runContentKey } from '../algorithm/random';
import { splitOf } from '../algorithm/split';
import type { Database } from '../db/client';
import { attempts, pairs, problems } from '../db/schema';
import { SYSTEM } from '../prompts';
import type { ActivityDeps } from './deps';
import { runConfig } from './deps';
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
  const rows = judged.flatMap(({ id: problemId }) =>
    preferencePairs(
      (byProblem.get(problemId) ?? []).map((a) => ({ id: a.id, correct: a.correct === true })),
    ).map((pair) => {
      const id = contentId(
        'pair',
        runContentKey(ref.runId),
        ref.round,
        problemId,
        pair.chosenAttemptId ?? 'reference',
        pair.rejectedAttemptId,
      );
      return { id, ...ref, problemId, ...pair, split: splitOf(id, config.loop.validationFraction) };
    }),
  );
  for (let i = 0; i < rows.length; i += 500)
    await deps.db
      .insert(pairs)
      .values(rows.slice(i, i + 500))
      .onConflictDoNothing();
  return { pairs: rows.length };
}

/** The Solver prompt as one string: what DPO conditions on. */
export function dpoPrompt(problem: string): string {
  return `${SYSTEM.solve}\n\n${problem}`;
}

/** Writes the pairs of rounds (fromRound, toRound] as TRL JSONL files; returns their paths. */
export async function exportPairs(
  db: Database,
  runId: string,
  rounds: { after: number; upTo: number },
  dir: string,
): Promise<{ train: string; validation: string; counts: { train: number; validation: number } }> {
  const rows = await db
    .select({
      id: pairs.id,
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
  const lines = { train: [] as string[], validation: [] as string[] };
  for (const r of rows) {
    const reference = r.solution
      ? `${r.solution}\n\nThe answer is $\\boxed{${r.answer}}$.`
      : `The answer is $\\boxed{${r.answer}}$.`;
    const chosen = r.chosenAttemptId ? texts.get(r.chosenAttemptId) : reference;
    const rejected = texts.get(r.rejectedAttemptId);
    lines[r.split].push(JSON.stringify({ prompt: dpoPrompt(r.problem), chosen, rejected }));
  }
  mkdirSync(dir, { recursive: true });
  const write = (name: string, content: string[]) => {
    const file = path.join(dir, name);
    writeFileSync(`${file}.tmp`, content.map((l) => `${l}\n`).join('')); // whole file or nothing
    renameSync(`${file}.tmp`, file);
    return file;
  };
  return {
    train: write('pairs.train.jsonl', lines.train),
    validation: write('pairs.validation.jsonl', lines.validation),
    counts: { train: lines.train.length, validation: lines.validation.length },
  };
}
