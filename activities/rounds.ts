// Run, round and stage records (SPEC §2), and the per-round summary the CLI prints.
import { and, count, eq, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { utilityWeight } from '../algorithm/utility';
import {
  evaluations,
  llmCalls,
  pairs,
  problems,
  refinements,
  roundProblems,
  rounds,
  runs,
  stages,
} from '../db/schema';
import { metrics } from '../metrics';
import { type ActivityDeps, runConfig } from './deps';
import { writerReport } from './generator';
import type { RoundRef } from './round-set';
import { solverFor } from './train';

export async function beginRound(
  deps: ActivityDeps,
  ref: RoundRef,
): Promise<{ solverModel: string }> {
  const solverModel = await solverFor(deps, ref.runId, ref.round);
  await deps.db
    .insert(rounds)
    .values({ ...ref, status: 'running', solverModel })
    .onConflictDoNothing();
  await deps.db.update(runs).set({ currentRound: ref.round }).where(eq(runs.id, ref.runId));
  return { solverModel };
}

export async function recordStage(
  deps: ActivityDeps,
  input: RoundRef & { stage: string; startedAt: number; detail: Record<string, unknown> },
): Promise<void> {
  const row = {
    runId: input.runId,
    round: input.round,
    stage: input.stage,
    status: 'completed' as const,
    detail: input.detail,
    startedAt: new Date(input.startedAt),
    finishedAt: new Date(),
  };
  metrics.stage(input.round, input.stage, (row.finishedAt.getTime() - input.startedAt) / 1000);
  await deps.db
    .insert(stages)
    .values(row)
    .onConflictDoUpdate({ target: [stages.runId, stages.round, stages.stage], set: row });
}

/**
 * SPEC §3 step 11: the problems admitted in round t-1 were just measured by round t's
 * sampling with the updated Solver; their success rate gives each triple its weight.
 */
export async function fillUtilityWeights(
  deps: ActivityDeps,
  ref: RoundRef,
): Promise<{ weighted: number }> {
  const { mu, sigma } = (await runConfig(deps.db, ref.runId)).loop.utility;
  const measured = await deps.db
    .select({ id: refinements.id, rate: roundProblems.successRate })
    .from(refinements)
    .innerJoin(
      roundProblems,
      and(
        eq(roundProblems.runId, refinements.runId),
        eq(roundProblems.problemId, refinements.problemId),
        eq(roundProblems.round, ref.round),
      ),
    )
    .where(and(eq(refinements.runId, ref.runId), eq(refinements.round, ref.round - 1)));
  for (const m of measured) {
    if (m.rate === null) continue;
    await deps.db
      .update(refinements)
      .set({ measuredSuccessRate: m.rate, utility: utilityWeight(m.rate, mu, sigma) })
      .where(eq(refinements.id, m.id));
  }
  return { weighted: measured.length };
}

export type RoundSummary = Awaited<ReturnType<typeof summariseRound>>;

export async function summariseRound(deps: ActivityDeps, ref: RoundRef) {
  const { db } = deps;
  const ofRound = (t: { runId: PgColumn; round: PgColumn }) =>
    and(eq(t.runId, ref.runId), eq(t.round, ref.round));
  const zones = await db
    .select({
      zone: roundProblems.zone,
      n: count(),
      solved: sql<number>`coalesce(avg(${roundProblems.successRate}), 0)`,
    })
    .from(roundProblems)
    .where(ofRound(roundProblems))
    .groupBy(roundProblems.zone);
  const problemsInRound = zones.reduce((a, z) => a + z.n, 0);
  const successRate = problemsInRound
    ? zones.reduce((a, z) => a + Number(z.solved) * z.n, 0) / problemsInRound
    : 0;
  const [disagreements] = await db
    .select({ n: sql<number>`coalesce(sum(${roundProblems.disagreements}), 0)` })
    .from(roundProblems)
    .where(ofRound(roundProblems));
  const [pairCount] = await db.select({ n: count() }).from(pairs).where(ofRound(pairs));
  const outcomes = await db
    .select({ status: refinements.status, reason: refinements.reason, n: count() })
    .from(refinements)
    .where(ofRound(refinements))
    .groupBy(refinements.status, refinements.reason);
  const [curriculum] = await db
    .select({ n: count() })
    .from(problems)
    .where(and(eq(problems.runId, ref.runId), eq(problems.status, 'active')));
  const [dropped] = await db
    .select({ n: count() })
    .from(problems)
    .where(and(eq(problems.runId, ref.runId), eq(problems.droppedRound, ref.round)));
  const tokens = await db
    .select({
      role: llmCalls.role,
      n: sql<number>`sum(${llmCalls.promptTokens} + ${llmCalls.completionTokens})`,
    })
    .from(llmCalls)
    .where(ofRound(llmCalls))
    .groupBy(llmCalls.role);
  const evals = await db.select().from(evaluations).where(ofRound(evaluations));
  const [judging] = await db
    .select({ detail: stages.detail })
    .from(stages)
    .where(and(ofRound(stages), eq(stages.stage, 'judge')));
  const judged = (judging?.detail ?? {}) as { verdicts?: number; teacherOnlyVerdicts?: number };
  const { band } = (await runConfig(db, ref.runId)).generator;
  const writers = await writerReport(db, ref.runId, ref.round, band);
  const rejected: Record<string, number> = {};
  for (const o of outcomes) if (o.status === 'rejected') rejected[o.reason ?? 'unknown'] = o.n;
  return {
    round: ref.round,
    curriculum: curriculum?.n ?? 0,
    problems: problemsInRound,
    zones: Object.fromEntries(zones.map((z) => [z.zone ?? 'unjudged', z.n])) as Record<
      string,
      number
    >,
    successRate,
    disagreements: Number(disagreements?.n ?? 0),
    /** Share of this round's verdicts the Teacher gave alone (the rule could not decide). */
    teacherOnlyShare: judged.verdicts ? (judged.teacherOnlyVerdicts ?? 0) / judged.verdicts : 0,
    dropped: dropped?.n ?? 0,
    pairs: pairCount?.n ?? 0,
    newProblems: outcomes.reduce((a, o) => a + o.n, 0),
    admitted: outcomes.find((o) => o.status === 'admitted')?.n ?? 0,
    rejected,
    tokens: Object.fromEntries(tokens.map((t) => [t.role, Number(t.n)])) as Record<string, number>,
    evaluation: Object.fromEntries(evals.map((e) => [e.benchmark, e.accuracy])) as Record<
      string,
      number
    >,
    /** Validity and calibration of each problem writer so far (Teacher, Generator versions). */
    writers,
  };
}

export async function finishRound(
  deps: ActivityDeps,
  ref: RoundRef & { trainedModel: string | null },
): Promise<RoundSummary> {
  const summary = await summariseRound(deps, ref);
  await deps.db
    .update(rounds)
    .set({ status: 'completed', trainedModel: ref.trainedModel, summary, finishedAt: new Date() })
    .where(and(eq(rounds.runId, ref.runId), eq(rounds.round, ref.round)));
  return summary;
}

export type RunStatusValue = (typeof runs.status.enumValues)[number];

/** The end of a run, with why it ended when it did not complete. */
export async function finishRun(
  deps: ActivityDeps,
  input: { runId: string; status?: RunStatusValue; error?: string },
): Promise<void> {
  await deps.db
    .update(runs)
    .set({
      status: input.status ?? 'completed',
      error: input.error?.slice(0, 2000) ?? null,
      finishedAt: new Date(),
    })
    .where(eq(runs.id, input.runId));
}

/** A pause taking or losing effect: `paused` while a round holds at a stage boundary. */
export async function setRunStatus(
  deps: ActivityDeps,
  input: { runId: string; status: 'running' | 'paused'; reason?: string },
): Promise<void> {
  // `reason`: why the run paused by itself (a budget), shown by `runs` and `status`.
  await deps.db
    .update(runs)
    .set({ status: input.status, error: input.reason ?? null, finishedAt: null })
    .where(eq(runs.id, input.runId));
}
