// SPEC §3 step 1 and the sharding of a round into batches.
import { and, asc, count, eq, inArray, lt } from 'drizzle-orm';
import { roundSet } from '../algorithm/replay';
import type { Zone } from '../algorithm/zones';
import type { Database } from '../db/client';
import { attempts, problems, roundProblems } from '../db/schema';

export interface RoundRef {
  runId: string;
  round: number;
}

export interface BatchRef extends RoundRef {
  batch: number;
  /** The batch's problem ids, when its caller has read the round set already (a shard). */
  problemIds?: string[];
}

/** Problem ids of the round set, in a stable order, sliced into batches. */
export async function roundProblemIds(db: Database, { runId, round }: RoundRef): Promise<string[]> {
  const rows = await db
    .select({ id: roundProblems.problemId })
    .from(roundProblems)
    .where(and(eq(roundProblems.runId, runId), eq(roundProblems.round, round)))
    .orderBy(asc(roundProblems.problemId));
  return rows.map((r) => r.id);
}

export function batchSlice<T>(items: readonly T[], batch: number, batchSize: number): T[] {
  return items.slice(batch * batchSize, (batch + 1) * batchSize);
}

export function batchCount(items: number, batchSize: number): number {
  return Math.ceil(items / batchSize);
}

/** Writes the round set (idempotent) and returns its size. */
export async function selectRoundSet(
  db: Database,
  ref: RoundRef,
  options: { seed: number; replayRatio: number },
): Promise<{ fresh: number; replay: number }> {
  // Written already (a fresh execution of a round: resumed or replayed): the set stands,
  // even where self-verification has dropped some of its problems since.
  const written = await db
    .select({ source: roundProblems.source, n: count() })
    .from(roundProblems)
    .where(and(eq(roundProblems.runId, ref.runId), eq(roundProblems.round, ref.round)))
    .groupBy(roundProblems.source);
  if (written.length > 0)
    return {
      fresh: written.find((w) => w.source === 'fresh')?.n ?? 0,
      replay: written.find((w) => w.source === 'replay')?.n ?? 0,
    };
  const active = and(eq(problems.runId, ref.runId), eq(problems.status, 'active'));
  const previous = ref.round - 1; // seeds are round 0, so round 1's fresh problems are the seeds
  const fresh = await db
    .select({ id: problems.id })
    .from(problems)
    .where(and(active, eq(problems.roundCreated, previous)));
  const older =
    ref.round === 1
      ? []
      : await db
          .select({ id: problems.id })
          .from(problems)
          .where(and(active, lt(problems.roundCreated, previous)));
  const set = roundSet({
    round: ref.round,
    seed: options.seed,
    replayRatio: options.replayRatio,
    fresh: fresh.map((p) => p.id),
    older: older.map((p) => p.id),
  });
  const rows = [
    ...set.fresh.map((problemId) => ({ ...ref, problemId, source: 'fresh' as const })),
    ...set.replay.map((problemId) => ({ ...ref, problemId, source: 'replay' as const })),
  ];
  if (rows.length > 0) await db.insert(roundProblems).values(rows).onConflictDoNothing();
  return { fresh: set.fresh.length, replay: set.replay.length };
}

/**
 * The round's problems with their zone: one batch of them when `batch` is given (its
 * `problemIds`, else sliced from roundProblemIds), else all; optionally only some zones,
 * only active ones.
 */
export async function problemsOfRound(
  db: Database,
  ref: RoundRef & { batch?: number; problemIds?: string[] },
  options: { batchSize: number; zones?: Zone[]; activeOnly?: boolean },
) {
  const ids =
    ref.batch === undefined
      ? null
      : (ref.problemIds ??
        batchSlice(await roundProblemIds(db, ref), ref.batch, options.batchSize));
  if (ids?.length === 0) return [];
  return db
    .select({
      id: problems.id,
      text: problems.text,
      answer: problems.answer,
      solution: problems.solution,
      zone: roundProblems.zone,
    })
    .from(roundProblems)
    .innerJoin(
      problems,
      and(eq(problems.runId, roundProblems.runId), eq(problems.id, roundProblems.problemId)),
    )
    .where(
      and(
        eq(roundProblems.runId, ref.runId),
        eq(roundProblems.round, ref.round),
        ids ? inArray(roundProblems.problemId, ids) : undefined,
        options.zones ? inArray(roundProblems.zone, options.zones) : undefined,
        options.activeOnly ? eq(problems.status, 'active') : undefined,
      ),
    )
    .orderBy(asc(roundProblems.problemId));
}

/** A problem's attempts in a round by sample index; only the correct or wrong ones when asked. */
export function attemptsOf(db: Database, ref: RoundRef & { problemId: string }, correct?: boolean) {
  return db
    .select()
    .from(attempts)
    .where(
      and(
        eq(attempts.runId, ref.runId),
        eq(attempts.round, ref.round),
        eq(attempts.problemId, ref.problemId),
        correct === undefined ? undefined : eq(attempts.correct, correct),
      ),
    )
    .orderBy(asc(attempts.sampleIndex));
}
