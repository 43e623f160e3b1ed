// Replaying a round from a stage and branching a run (SPEC §4). Both work on the records
// only: the rounds then run again as fresh workflow executions, whose finished steps find
// their rows (or their cached LLM replies) and cost nothing.
import { and, eq, gt, gte, inArray, isNotNull, lte, max, ne, or, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { contentId } from '../algorithm/random';
import { configSnapshot } from '../config/load';
import type { ConfigChange, Stage } from '../config/revisions';
import { STAGES } from '../config/revisions';
import type { Config } from '../config/schema';
import type { Database } from '../db/client';
import {
  attempts,
  configRevisions,
  evaluations,
  models,
  pairs,
  problems,
  refinements,
  roundProblems,
  rounds,
  runs,
  stages,
  supersededRows,
} from '../db/schema';

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** The replay stage a recorded stage belongs to; undefined for the round's set-up stages. */
export function replayStageOf(recorded: string): Stage | undefined {
  if (recorded === 'utility weights') return 'judge';
  if (recorded === 'train solver') return 'train';
  if (recorded.startsWith('evaluate '))
    return recorded.endsWith('(initial Solver)') ? undefined : 'evaluate';
  return STAGES.find((s) => s === recorded);
}

/**
 * Takes out of use what `from` and every later stage wrote for `round`, and everything
 * later rounds wrote: the rows move to superseded_rows (kept for audit), rows that a stage
 * only updated get the values they had before it. Returns the replay's number.
 */
export async function supersedeFrom(
  db: Database,
  ref: { runId: string; round: number; from: Stage },
): Promise<number> {
  const { runId, round, from } = ref;
  const at = (stage: Stage) => STAGES.indexOf(from) <= STAGES.indexOf(stage);
  return db.transaction(async (tx) => {
    const [last] = await tx
      .select({ n: max(supersededRows.replay) })
      .from(supersededRows)
      .where(eq(supersededRows.runId, runId));
    const replay = (last?.n ?? 0) + 1;
    const keep = async (table: PgTable, name: string, where: SQL | undefined) => {
      const rows = await tx.select().from(table).where(where);
      for (let i = 0; i < rows.length; i += 500)
        await tx.insert(supersededRows).values(
          rows.slice(i, i + 500).map((row) => ({
            runId,
            replay,
            round,
            fromStage: from,
            table: name,
            row: row as object,
          })),
        );
      return rows.length;
    };
    const remove = async (table: PgTable, name: string, where: SQL | undefined) => {
      if ((await keep(table, name, where)) > 0) await tx.delete(table).where(where);
    };
    const ofRun = (t: { runId: PgColumn }) => eq(t.runId, runId);
    const sameRound = (t: { round: PgColumn }) => eq(t.round, round);
    const later = (t: { round: PgColumn }) => gt(t.round, round);
    const fromHere = (t: { round: PgColumn }, stage: Stage) =>
      at(stage) ? gte(t.round, round) : gt(t.round, round);

    // Later rounds: all of it.
    await remove(rounds, 'rounds', and(ofRun(rounds), later(rounds)));
    await remove(roundProblems, 'round_problems', and(ofRun(roundProblems), later(roundProblems)));
    await remove(attempts, 'attempts', and(ofRun(attempts), fromHere(attempts, 'sample')));
    await remove(pairs, 'pairs', and(ofRun(pairs), fromHere(pairs, 'pairs')));
    await remove(models, 'models', and(ofRun(models), fromHere(models, 'train')));
    await remove(
      refinements,
      'refinements',
      and(ofRun(refinements), fromHere(refinements, 'refine')),
    );
    await remove(
      evaluations,
      'evaluations',
      and(ofRun(evaluations), fromHere(evaluations, 'evaluate')),
    );
    await remove(
      problems,
      'problems',
      and(
        ofRun(problems),
        at('admit') ? gte(problems.roundCreated, round) : gt(problems.roundCreated, round),
      ),
    );
    // Stage records of this round from `from` on, and of every later round.
    const recorded = await tx
      .select({ round: stages.round, stage: stages.stage })
      .from(stages)
      .where(and(ofRun(stages), gte(stages.round, round)));
    const redo = recorded
      .filter(
        (s) =>
          s.round > round || (replayStageOf(s.stage) !== undefined && at(replayStageOf(s.stage)!)),
      )
      .map((s) => s.stage);
    await remove(
      stages,
      'stages',
      and(
        ofRun(stages),
        or(
          gt(stages.round, round),
          and(sameRound(stages), inArray(stages.stage, redo.length ? redo : [''])),
        ),
      ),
    );

    // Rows of this round that a replayed stage only updated: back to before that stage.
    const dropped = and(
      ofRun(problems),
      at('self-verify') ? gte(problems.droppedRound, round) : gt(problems.droppedRound, round),
    );
    if ((await keep(problems, 'problems', dropped)) > 0)
      await tx
        .update(problems)
        .set({ status: 'active', droppedRound: null, dropReason: null })
        .where(dropped);
    if (at('judge')) {
      const judged = and(ofRun(attempts), sameRound(attempts));
      await keep(attempts, 'attempts', judged);
      await tx
        .update(attempts)
        .set({
          ruleVerdict: null,
          ruleReason: null,
          teacherVerdict: null,
          errorAnalysis: null,
          correct: null,
        })
        .where(judged);
      const zoned = and(ofRun(roundProblems), sameRound(roundProblems));
      await keep(roundProblems, 'round_problems', zoned);
      await tx
        .update(roundProblems)
        .set({ correct: null, k: null, successRate: null, zone: null, disagreements: null })
        .where(zoned);
    }
    if (at('admit') && !at('refine')) {
      // Admission's verdicts (not refine's own invalid-reply rejections) are taken back.
      const admitted = and(
        ofRun(refinements),
        sameRound(refinements),
        or(
          eq(refinements.status, 'admitted'),
          and(eq(refinements.status, 'rejected'), ne(refinements.reason, 'invalid-reply')),
        ),
      );
      await keep(refinements, 'refinements', admitted);
      await tx
        .update(refinements)
        .set({ status: 'pending', reason: null, detail: null, problemId: null })
        .where(admitted);
    }
    // This round's new problems are measured again by the next round's sampling.
    const measured = and(
      ofRun(refinements),
      sameRound(refinements),
      isNotNull(refinements.utility),
    );
    if ((await keep(refinements, 'refinements', measured)) > 0)
      await tx
        .update(refinements)
        .set({ measuredSuccessRate: null, utility: null })
        .where(measured);

    await keep(rounds, 'rounds', and(ofRun(rounds), sameRound(rounds)));
    await tx
      .update(rounds)
      .set({
        status: 'running',
        summary: null,
        finishedAt: null,
        ...(at('train') ? { trainedModel: null } : {}),
      })
      .where(and(ofRun(rounds), sameRound(rounds)));
    await tx
      .update(runs)
      .set({ status: 'running', currentRound: round, error: null, finishedAt: null })
      .where(eq(runs.id, runId));
    return replay;
  });
}

/**
 * Copies a run's records up to the end of `afterRound` into the branch `branchId` (already
 * created): its curriculum as it stood then, the rounds' attempts, pairs, refinements,
 * models (the same checkpoints) and evaluations. Row ids are derived anew for the branch;
 * references between rows follow. LLM replies are cached by content, so both runs share them.
 */
export async function copyRunRecords(
  db: Database,
  ref: { parentId: string; branchId: string; afterRound: number },
): Promise<void> {
  const { parentId, branchId, afterRound } = ref;
  const id = (old: string) => contentId('branch', branchId, old);
  const mapped = (old: string | null) => (old === null ? null : id(old));
  const upTo = (t: { runId: PgColumn; round: PgColumn }) =>
    and(eq(t.runId, parentId), lte(t.round, afterRound));
  await db.transaction(async (tx) => {
    const copy = async <R extends Record<string, unknown>>(
      table: PgTable,
      rows: R[],
      change: (row: R) => R,
    ) => {
      for (let i = 0; i < rows.length; i += 500)
        await insertRows(
          tx,
          table,
          rows.slice(i, i + 500).map((row) => change({ ...row, runId: branchId })),
        );
    };
    const problemRows = await tx
      .select()
      .from(problems)
      .where(and(eq(problems.runId, parentId), lte(problems.roundCreated, afterRound)));
    await copy(problems, problemRows, (p) =>
      p.droppedRound !== null && p.droppedRound > afterRound
        ? {
            ...p,
            status: 'active' as const,
            droppedRound: null,
            dropReason: null,
            parentAttemptId: mapped(p.parentAttemptId),
          }
        : { ...p, parentAttemptId: mapped(p.parentAttemptId) },
    );
    await copy(rounds, await tx.select().from(rounds).where(upTo(rounds)), (r) => r);
    await copy(stages, await tx.select().from(stages).where(upTo(stages)), (s) => s);
    await copy(
      roundProblems,
      await tx.select().from(roundProblems).where(upTo(roundProblems)),
      (r) => r,
    );
    await copy(attempts, await tx.select().from(attempts).where(upTo(attempts)), (a) => ({
      ...a,
      id: id(a.id),
    }));
    await copy(pairs, await tx.select().from(pairs).where(upTo(pairs)), (p) => ({
      ...p,
      id: id(p.id),
      chosenAttemptId: mapped(p.chosenAttemptId),
      rejectedAttemptId: id(p.rejectedAttemptId),
    }));
    await copy(refinements, await tx.select().from(refinements).where(upTo(refinements)), (r) => ({
      ...r,
      id: id(r.id),
      sourceAttemptId: id(r.sourceAttemptId),
      // The last copied round's new problems are measured by the branch's next round.
      ...(r.round === afterRound ? { measuredSuccessRate: null, utility: null } : {}),
    }));
    await copy(models, await tx.select().from(models).where(upTo(models)), (m) => ({
      ...m,
      id: id(m.id),
    }));
    await copy(evaluations, await tx.select().from(evaluations).where(upTo(evaluations)), (e) => e);
    await tx
      .update(runs)
      .set({ parentRunId: parentId, branchedFromRound: afterRound, currentRound: afterRound })
      .where(eq(runs.id, branchId));
  });
}

async function insertRows(tx: Tx, table: PgTable, rows: Record<string, unknown>[]) {
  if (rows.length > 0)
    await tx
      .insert(table)
      .values(rows as never)
      .onConflictDoNothing();
}

/**
 * Stores a change of a run's config as its next revision and makes it the run's config.
 * Nothing is stored when nothing changed.
 */
export async function reviseRunConfig(
  db: Database,
  ref: {
    runId: string;
    fromRound: number;
    command: 'resume' | 'replay' | 'branch';
    changes: ConfigChange[];
    config: Config;
  },
): Promise<number | null> {
  if (ref.changes.length === 0) return null;
  return db.transaction(async (tx) => {
    const [last] = await tx
      .select({ n: max(configRevisions.revision) })
      .from(configRevisions)
      .where(eq(configRevisions.runId, ref.runId));
    const revision = (last?.n ?? 0) + 1;
    const snapshot = configSnapshot(ref.config);
    await tx.insert(configRevisions).values({
      runId: ref.runId,
      revision,
      fromRound: ref.fromRound,
      command: ref.command,
      changes: ref.changes,
      config: snapshot,
    });
    await tx.update(runs).set({ config: snapshot }).where(eq(runs.id, ref.runId));
    return revision;
  });
}
