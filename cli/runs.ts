// Finding the run a state directory holds, or creating one.
import { and, asc, count, desc, eq, inArray } from 'drizzle-orm';
import type { RoundSummary } from '../activities';
import { contentId } from '../algorithm/random';
import { configHash, configSnapshot, loadSnapshot } from '../config/load';
import type { Config } from '../config/schema';
import type { Database } from '../db/client';
import { evaluations, rounds, runs } from '../db/schema';

export type RunRow = typeof runs.$inferSelect;

export async function unfinishedRun(db: Database): Promise<RunRow | undefined> {
  const [run] = await db
    .select()
    .from(runs)
    // Paused and failed runs are unfinished too: `socratic run` picks them up again.
    .where(inArray(runs.status, ['running', 'paused', 'failed']))
    .orderBy(desc(runs.createdAt))
    .limit(1);
  return run;
}

export async function findRun(db: Database, id: string): Promise<RunRow | undefined> {
  const [run] =
    id === 'latest'
      ? await db.select().from(runs).orderBy(desc(runs.createdAt)).limit(1)
      : await db.select().from(runs).where(eq(runs.id, id));
  return run;
}

/**
 * A new run. Its id depends on the config (not on where its state lives) and on how many
 * such runs this database already has, so the same config and seed give the same ids and
 * the same exported data in any state directory.
 */
export async function createRun(db: Database, config: Config): Promise<RunRow> {
  const portable = configHash({ ...config, stateDir: '' });
  const [existing] = await db
    .select({ n: count() })
    .from(runs)
    .where(eq(runs.configHash, portable));
  const id = contentId('run', portable, (existing?.n ?? 0) + 1).slice(0, 12);
  const [run] = await db
    .insert(runs)
    .values({
      id,
      status: 'running',
      seed: config.seed,
      rounds: config.rounds,
      config: configSnapshot(config),
      configHash: portable,
    })
    .returning();
  return run!;
}

export function runConfigOf(run: RunRow): Config {
  return loadSnapshot(run.config, `run ${run.id}: config snapshot`);
}

/** The first round of the run not yet completed (rounds + 1 when all are). */
export async function firstIncompleteRound(db: Database, run: RunRow): Promise<number> {
  const done = await db
    .select({ round: rounds.round })
    .from(rounds)
    .where(and(eq(rounds.runId, run.id), eq(rounds.status, 'completed')));
  const completed = new Set(done.map((r) => r.round));
  for (let round = 1; round <= run.rounds; round++) if (!completed.has(round)) return round;
  return run.rounds + 1;
}

export async function completedSummaries(db: Database, runId: string): Promise<RoundSummary[]> {
  const rows = await db
    .select({ summary: rounds.summary })
    .from(rounds)
    .where(and(eq(rounds.runId, runId), eq(rounds.status, 'completed')))
    .orderBy(asc(rounds.round));
  return rows.map((r) => r.summary as RoundSummary);
}

/** Accuracy of the initial Solver (recorded as round 0) per benchmark. */
export async function initialAccuracy(
  db: Database,
  runId: string,
): Promise<Record<string, number>> {
  const rows = await db
    .select()
    .from(evaluations)
    .where(and(eq(evaluations.runId, runId), eq(evaluations.round, 0)));
  return Object.fromEntries(rows.map((r) => [r.benchmark, r.accuracy]));
}
