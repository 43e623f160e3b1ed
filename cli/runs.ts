// Finding the run a state directory holds, or creating one.
import { randomBytes } from 'node:crypto';
import { and, asc, count, desc, eq, inArray } from 'drizzle-orm';
import type { RoundSummary } from '../activities';
import { contentId, runContentKey } from '../algorithm/random';
import { configHash, configSnapshot, loadSnapshot } from '../config/load';
import type { Config } from '../config/schema';
import { withoutSecrets } from '../config/secrets';
import type { Database } from '../db/client';
import { evaluations, meta, rounds, runs } from '../db/schema';

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

/** This database's random identity, made on first use and stored in it (run ids carry it). */
export async function databaseId(db: Database): Promise<string> {
  await db
    .insert(meta)
    .values({ key: 'database-id', value: randomBytes(4).toString('hex') })
    .onConflictDoNothing();
  const [row] = await db.select().from(meta).where(eq(meta.key, 'database-id'));
  return row!.value;
}

/**
 * A new run. Its id is `<content part>-<database part>` (see runContentKey): the content part
 * depends on the config (not on where its state lives) and on how many such runs this
 * database already has, so the same config and seed give the same data in any state
 * directory; the database part keeps two databases off each other's Temporal workflows.
 */
export async function createRun(db: Database, config: Config): Promise<RunRow> {
  const portable = configHash({ ...withoutSecrets(config), stateDir: '' });
  const [existing] = await db
    .select({ n: count() })
    .from(runs)
    .where(eq(runs.configHash, portable));
  const content = contentId('run', portable, (existing?.n ?? 0) + 1).slice(0, 12);
  const id = `${content}-${await databaseId(db)}`;
  const [run] = await db
    .insert(runs)
    .values({
      id,
      status: 'running',
      seed: config.seed,
      rounds: config.rounds,
      config: configSnapshot(withoutSecrets(config)),
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

/** The memo a run's workflow is started with: which database it belongs to. */
export function runMemo(database: string): Record<string, string> {
  return { socraticDatabase: database };
}

/**
 * Refuses to attach to a workflow of another database (a shared Temporal cluster, a state
 * directory deleted and made again): its activities would write into the wrong data.
 */
export function assertRunOfDatabase(
  run: { id: string; workflowId: string },
  memo: Record<string, unknown> | undefined,
  database: string,
): void {
  const owner = memo?.socraticDatabase;
  if (owner === database) return;
  // A run from before run ids had a database part was started without the memo.
  if (owner === undefined && runContentKey(run.id) === run.id) return;
  const { workflowId } = run;
  throw new Error(
    `the Temporal workflow ${workflowId} belongs to ${typeof owner === 'string' ? `database ${owner}` : 'no socratic database'}, ` +
      `not to this one (${database}); it is left alone. Use another Temporal namespace, or ` +
      'terminate that workflow if it is an abandoned run.',
  );
}
