// What a run report shows, read from the database in one pass. Every figure here is
// the same number `socratic export` or the round table gives, so the two can be compared.
import { asc, count, eq, isNull, sql } from 'drizzle-orm';
import { costOf, type PriceList } from '../algorithm/cost';
import type { Database } from '../db/client';
import {
  evaluations,
  llmCalls,
  models,
  pairs,
  problems,
  refinements,
  roundProblems,
  runs,
  stages,
} from '../db/schema';

export interface ReportData {
  run: {
    id: string;
    status: string;
    rounds: number;
    currentRound: number;
    error: string | null;
    createdAt: string;
    parentRunId: string | null;
    branchedFromRound: number | null;
  };
  /** Mean@k per benchmark per round (round 0 = the initial Solver). */
  accuracy: {
    round: number;
    benchmark: string;
    accuracy: number;
    samples: number;
    problems: number;
    /** Answers MathRule could not decide, judged by the Teacher instead. */
    undecided: number;
    teacherCorrect: number;
  }[];
  /** One row per judged problem per round: its success rate and zone. */
  successRates: { round: number; successRate: number; zone: string }[];
  zones: { round: number; zone: string; problems: number }[];
  /** Active curriculum at the end of each round, by origin. */
  curriculum: { round: number; origin: string; problems: number }[];
  admissions: { round: number; outcome: string; problems: number }[];
  pairs: { round: number; kind: 'cartesian' | 'reference-chosen'; pairs: number }[];
  training: {
    round: number;
    role: string;
    model: string;
    steps: number | null;
    metrics: Record<string, number>;
  }[];
  tokens: {
    round: number;
    role: string;
    model: string;
    promptTokens: number;
    completionTokens: number;
    cost: number | null;
  }[];
  stages: {
    round: number;
    stage: string;
    status: string;
    startedAt: string;
    finishedAt: string | null;
  }[];
  lineage: {
    id: string;
    origin: string;
    parentId: string | null;
    roundCreated: number;
    status: string;
    text: string;
    answer: string;
    /** Success rate per round the problem was sampled in. */
    successRates: Record<string, number>;
  }[];
}

export async function loadReportData(
  db: Database,
  runId: string,
  prices: PriceList,
): Promise<ReportData> {
  const [run] = await db.select().from(runs).where(eq(runs.id, runId));
  if (!run) throw new Error(`no run ${runId} in the database`);

  const accuracy = await db
    .select({
      round: evaluations.round,
      benchmark: evaluations.benchmark,
      accuracy: evaluations.accuracy,
      samples: evaluations.samples,
      problems: evaluations.problems,
      undecided: evaluations.undecided,
      teacherCorrect: evaluations.teacherCorrect,
    })
    .from(evaluations)
    .where(eq(evaluations.runId, runId))
    .orderBy(asc(evaluations.round), asc(evaluations.benchmark));

  const judged = await db
    .select({
      round: roundProblems.round,
      problemId: roundProblems.problemId,
      successRate: roundProblems.successRate,
      zone: roundProblems.zone,
    })
    .from(roundProblems)
    .where(eq(roundProblems.runId, runId))
    .orderBy(asc(roundProblems.round), asc(roundProblems.problemId));
  const successRates = judged.flatMap((j) =>
    j.successRate === null || j.zone === null
      ? []
      : [{ round: j.round, successRate: j.successRate, zone: j.zone }],
  );
  const zoneCounts = new Map<string, { round: number; zone: string; problems: number }>();
  for (const s of successRates) {
    const key = `${s.round}/${s.zone}`;
    const entry = zoneCounts.get(key) ?? { round: s.round, zone: s.zone, problems: 0 };
    entry.problems++;
    zoneCounts.set(key, entry);
  }

  const curriculumRows = await db
    .select({
      id: problems.id,
      origin: problems.origin,
      parentId: problems.parentId,
      roundCreated: problems.roundCreated,
      status: problems.status,
      droppedRound: problems.droppedRound,
      text: problems.text,
      answer: problems.answer,
    })
    .from(problems)
    .where(eq(problems.runId, runId))
    .orderBy(asc(problems.roundCreated), asc(problems.id));
  const lastRound = Math.max(0, run.currentRound, ...curriculumRows.map((p) => p.roundCreated));
  const curriculum: ReportData['curriculum'] = [];
  for (let round = 1; round <= lastRound; round++) {
    const byOrigin = new Map<string, number>();
    for (const p of curriculumRows)
      if (p.roundCreated <= round && (p.droppedRound === null || p.droppedRound > round))
        byOrigin.set(p.origin, (byOrigin.get(p.origin) ?? 0) + 1);
    for (const [origin, n] of byOrigin) curriculum.push({ round, origin, problems: n });
  }

  const outcomes = await db
    .select({
      round: refinements.round,
      status: refinements.status,
      reason: refinements.reason,
      problems: count(),
    })
    .from(refinements)
    .where(eq(refinements.runId, runId))
    .groupBy(refinements.round, refinements.status, refinements.reason)
    .orderBy(asc(refinements.round), asc(refinements.status), asc(refinements.reason));
  const admissions = outcomes.map((o) => ({
    round: o.round,
    outcome: o.status === 'rejected' ? `rejected: ${o.reason ?? 'unknown'}` : o.status,
    problems: o.problems,
  }));

  const pairCounts = await db
    .select({
      round: pairs.round,
      referenceChosen: sql<boolean>`${isNull(pairs.chosenAttemptId)}`,
      pairs: count(),
    })
    .from(pairs)
    .where(eq(pairs.runId, runId))
    .groupBy(pairs.round, isNull(pairs.chosenAttemptId))
    .orderBy(asc(pairs.round));

  const trained = await db
    .select()
    .from(models)
    .where(eq(models.runId, runId))
    .orderBy(asc(models.round), asc(models.role));

  const tokenRows = await db
    .select({
      round: llmCalls.round,
      role: llmCalls.role,
      model: llmCalls.model,
      promptTokens: sql<number>`coalesce(sum(${llmCalls.promptTokens}), 0)`,
      completionTokens: sql<number>`coalesce(sum(${llmCalls.completionTokens}), 0)`,
    })
    .from(llmCalls)
    .where(eq(llmCalls.runId, runId))
    .groupBy(llmCalls.round, llmCalls.role, llmCalls.model)
    .orderBy(asc(llmCalls.round), asc(llmCalls.role), asc(llmCalls.model));

  const stageRows = await db
    .select()
    .from(stages)
    .where(eq(stages.runId, runId))
    .orderBy(asc(stages.round), asc(stages.startedAt));

  const ratesByProblem = new Map<string, Record<string, number>>();
  for (const j of judged) {
    if (j.successRate === null) continue;
    const rates = ratesByProblem.get(j.problemId) ?? {};
    rates[String(j.round)] = j.successRate;
    ratesByProblem.set(j.problemId, rates);
  }

  return {
    run: {
      id: run.id,
      status: run.status,
      rounds: run.rounds,
      currentRound: run.currentRound,
      error: run.error,
      createdAt: run.createdAt.toISOString(),
      parentRunId: run.parentRunId,
      branchedFromRound: run.branchedFromRound,
    },
    accuracy,
    successRates,
    zones: [...zoneCounts.values()],
    curriculum,
    admissions,
    pairs: pairCounts.map((p) => ({
      round: p.round,
      kind: p.referenceChosen ? ('reference-chosen' as const) : ('cartesian' as const),
      pairs: p.pairs,
    })),
    training: trained.map((m) => ({
      round: m.round,
      role: m.role,
      model: m.servedName,
      steps: m.steps,
      metrics: numericFields(m.metrics),
    })),
    tokens: tokenRows.map((t) => {
      const promptTokens = Number(t.promptTokens);
      const completionTokens = Number(t.completionTokens);
      return {
        ...t,
        promptTokens,
        completionTokens,
        cost: costOf(prices, t.model, promptTokens, completionTokens),
      };
    }),
    stages: stageRows.map((s) => ({
      round: s.round,
      stage: s.stage,
      status: s.status,
      startedAt: s.startedAt.toISOString(),
      finishedAt: s.finishedAt?.toISOString() ?? null,
    })),
    lineage: curriculumRows.map((p) => ({
      id: p.id,
      origin: p.origin,
      parentId: p.parentId,
      roundCreated: p.roundCreated,
      status: p.status,
      text: p.text,
      answer: p.answer,
      successRates: ratesByProblem.get(p.id) ?? {},
    })),
  };
}

/** Trainer metrics are untrusted JSON: keep the finite numbers only. */
function numericFields(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (value && typeof value === 'object')
    for (const [name, v] of Object.entries(value))
      if (typeof v === 'number' && Number.isFinite(v)) out[name] = v;
  return out;
}
