// `socratic export`: a run's records as JSON lines on stdout, in a stable order.
import { and, asc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { ALL_ROUNDS, writerReport } from '../activities/generator';
import { Config } from '../config/schema';
import type { Database } from '../db/client';
import {
  attempts,
  evaluations,
  models,
  pairs,
  problems,
  refinements,
  refreshes,
  runs,
} from '../db/schema';
import { commandConfig, parseCommand, UsageError } from './options';
import { findRun } from './runs';
import { openDatabaseFor } from './session';

export const EXPORTS = [
  'problems',
  'attempts',
  'pairs',
  'generator-data',
  'evaluations',
  'models',
  'writers',
  'refreshes',
] as const;
type What = (typeof EXPORTS)[number];

export async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    run: { type: 'string', default: 'latest' },
    what: { type: 'string' },
    format: { type: 'string', default: 'jsonl' },
  });
  const what = values.what as What;
  if (!EXPORTS.includes(what)) throw new UsageError(`--what must be one of ${EXPORTS.join(', ')}`);
  if (values.format !== 'jsonl') throw new UsageError('--format: only jsonl is supported');
  const { config } = await commandConfig(values);
  const database = await openDatabaseFor(config);
  try {
    const run = await findRun(database.db, values.run);
    if (!run) throw new UsageError(`no run ${values.run} in ${database.location}`);
    for (const row of await exportRows(database.db, run.id, what))
      process.stdout.write(`${JSON.stringify(row)}\n`);
    return 0;
  } finally {
    await database.close();
  }
}

export async function exportRows(db: Database, runId: string, what: What): Promise<object[]> {
  switch (what) {
    case 'problems':
      return db
        .select({
          id: problems.id,
          origin: problems.origin,
          parentId: problems.parentId,
          parentAttemptId: problems.parentAttemptId,
          roundCreated: problems.roundCreated,
          status: problems.status,
          droppedRound: problems.droppedRound,
          dropReason: problems.dropReason,
          writerModel: problems.writerModel,
          refreshId: problems.refreshId,
          subject: problems.subject,
          text: problems.text,
          answer: problems.answer,
        })
        .from(problems)
        .where(eq(problems.runId, runId))
        .orderBy(asc(problems.roundCreated), asc(problems.id));
    case 'attempts':
      // `pairEligible`: false when self-verification dropped the problem in this round
      // (SPEC §3 step 5: it yields no pairs) and for a refresh's probes, so pairs can be recomputed from this export alone.
      return db
        .select({
          id: attempts.id,
          problemId: attempts.problemId,
          round: attempts.round,
          sampleIndex: attempts.sampleIndex,
          solverModel: attempts.solverModel,
          extractedAnswer: attempts.extractedAnswer,
          ruleVerdict: attempts.ruleVerdict,
          teacherVerdict: attempts.teacherVerdict,
          correct: attempts.correct,
          refreshId: attempts.refreshId,
          pairEligible: sql<boolean>`${problems.droppedRound} is distinct from ${attempts.round} and ${attempts.refreshId} is null`,
        })
        .from(attempts)
        .innerJoin(
          problems,
          and(eq(problems.runId, attempts.runId), eq(problems.id, attempts.problemId)),
        )
        .where(eq(attempts.runId, runId))
        .orderBy(asc(attempts.round), asc(attempts.problemId), asc(attempts.sampleIndex));
    case 'pairs':
      return db
        .select({
          problemId: pairs.problemId,
          round: pairs.round,
          chosenAttemptId: pairs.chosenAttemptId,
          rejectedAttemptId: pairs.rejectedAttemptId,
          split: pairs.split,
        })
        .from(pairs)
        .where(eq(pairs.runId, runId))
        .orderBy(
          asc(pairs.round),
          asc(pairs.problemId),
          asc(pairs.chosenAttemptId),
          asc(pairs.rejectedAttemptId),
        );
    case 'generator-data': {
      const source = alias(problems, 'source');
      return db
        .select({
          round: refinements.round,
          mode: refinements.mode,
          sourceProblemId: refinements.sourceProblemId,
          sourceAttemptId: refinements.sourceAttemptId,
          problemId: refinements.problemId,
          problem: source.text,
          attempt: attempts.text,
          newProblem: refinements.text,
          measuredSuccessRate: refinements.measuredSuccessRate,
          weight: refinements.utility,
        })
        .from(refinements)
        .innerJoin(
          source,
          and(eq(source.runId, refinements.runId), eq(source.id, refinements.sourceProblemId)),
        )
        .innerJoin(attempts, eq(attempts.id, refinements.sourceAttemptId))
        .where(and(eq(refinements.runId, runId), eq(refinements.status, 'admitted')))
        .orderBy(asc(refinements.round), asc(refinements.id));
    }
    case 'evaluations':
      return db
        .select({
          round: evaluations.round,
          benchmark: evaluations.benchmark,
          model: evaluations.model,
          problems: evaluations.problems,
          samples: evaluations.samples,
          accuracy: evaluations.accuracy,
        })
        .from(evaluations)
        .where(eq(evaluations.runId, runId))
        .orderBy(asc(evaluations.round), asc(evaluations.benchmark));
    case 'models':
      return modelRows(db, runId);
    case 'writers': {
      const [run] = await db.select().from(runs).where(eq(runs.id, runId));
      const config = Config.parse(run!.config);
      return writerReport(db, runId, ALL_ROUNDS, config.generator.band);
    }
    case 'refreshes':
      return db
        .select({
          id: refreshes.id,
          round: refreshes.round,
          status: refreshes.status,
          reason: refreshes.reason,
          writerRole: refreshes.writerRole,
          writerModel: refreshes.writerModel,
          solverModel: refreshes.solverModel,
          band: refreshes.band,
          counts: refreshes.counts,
          startedAt: refreshes.startedAt,
          finishedAt: refreshes.finishedAt,
        })
        .from(refreshes)
        .where(eq(refreshes.runId, runId))
        .orderBy(asc(refreshes.startedAt), asc(refreshes.id));
  }
}

/**
 * One row per trained model of any role: its parent, the rounds of data it was trained on,
 * its examples and weight sum, the trainer's metrics; a Generator's validity and calibration.
 */
export async function modelRows(db: Database, runId: string) {
  const [run] = await db.select().from(runs).where(eq(runs.id, runId));
  const config = Config.parse(run!.config);
  const rows = await db
    .select()
    .from(models)
    .where(eq(models.runId, runId))
    .orderBy(asc(models.role), asc(models.round));
  const byName = new Map(rows.map((m) => [m.servedName, m]));
  const figures = new Map(
    (await writerReport(db, runId, ALL_ROUNDS, config.generator.band)).map((w) => [w.model, w]),
  );
  return rows.map((m) => {
    const parent = m.parentModelId ? null : m.parentName ? byName.get(m.parentName) : undefined;
    const writer = m.role === 'generator' ? figures.get(m.servedName) : undefined;
    return {
      id: m.id,
      role: m.role,
      round: m.round,
      servedName: m.servedName,
      parentModelId: m.parentModelId ?? parent?.id ?? null,
      parentName: m.parentName,
      // A Solver trains on every round since its parent was trained.
      dataRounds: m.dataRounds ?? [parent ? parent.round + 1 : 1, m.round],
      examples: m.examples,
      weightSum: m.weightSum,
      steps: m.steps,
      metrics: m.metrics,
      ...(m.role === 'generator'
        ? { validity: writer?.validity ?? null, calibration: writer?.calibration ?? null }
        : {}),
    };
  });
}
