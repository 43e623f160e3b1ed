// `socratic export`: a run's records as JSON lines on stdout, in a stable order.
// The activities that compute pairs, Generator data and writer figures are loaded only for
// the exports that need them: the others start without them.
import { and, asc, eq, sql } from 'drizzle-orm';
import { loadSnapshot } from '../config/load';
import type { Database } from '../db/client';
import {
  attempts,
  evaluations,
  models,
  problems,
  refreshes,
  replyRejections,
  roundProblems,
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
  'rejections',
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
  const database = await openDatabaseFor(config, { brief: true });
  try {
    const run = await findRun(database.db, values.run);
    if (!run) throw new UsageError(`no run ${values.run} in ${database.location}`);
    // Every row says which run it belongs to and where that run branched from.
    const lineage = {
      runId: run.id,
      parentRunId: run.parentRunId,
      branchedFromRound: run.branchedFromRound,
    };
    for (const row of await exportRows(database.db, run.id, what))
      process.stdout.write(`${JSON.stringify({ ...row, ...lineage })}\n`);
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
      // (SPEC §3 step 5: it yields no pairs), when no attempt solved it and it has no
      // verified worked solution (step 6: no reference pairs), and for a refresh's probes;
      // `noPairsReason` says which. So pairs can be recomputed from this export alone.
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
          pairEligible: sql<boolean>`${problems.droppedRound} is distinct from ${attempts.round} and ${roundProblems.noReferenceReason} is null and ${attempts.refreshId} is null`,
          noPairsReason: sql<
            string | null
          >`case when ${attempts.refreshId} is not null then 'a curriculum refresh probe' when ${problems.droppedRound} = ${attempts.round} then 'dropped by self-verification: ' || coalesce(${problems.dropReason}, '') else ${roundProblems.noReferenceReason} end`,
        })
        .from(attempts)
        .innerJoin(
          problems,
          and(eq(problems.runId, attempts.runId), eq(problems.id, attempts.problemId)),
        )
        .leftJoin(
          roundProblems,
          and(
            eq(roundProblems.runId, attempts.runId),
            eq(roundProblems.round, attempts.round),
            eq(roundProblems.problemId, attempts.problemId),
          ),
        )
        .where(eq(attempts.runId, runId))
        .orderBy(asc(attempts.round), asc(attempts.problemId), asc(attempts.sampleIndex));
    case 'pairs':
      // TRL's conversational format, as the trainer reads it, with the ids that let a reader
      // recompute every pair from the attempts export.
      return (await (await import('../activities/pairs.js')).pairRecords(db, runId))
        .map(({ id: _id, ...pair }) => pair)
        .sort(
          (a, b) =>
            a.round - b.round ||
            compare(a.problemId, b.problemId) ||
            compare(a.chosenAttemptId ?? '', b.chosenAttemptId ?? '') ||
            compare(a.rejectedAttemptId, b.rejectedAttemptId),
        );
    case 'generator-data':
      return (await import('../activities/generator-data.js')).generatorExamples(db, runId);
    case 'evaluations':
      return db
        .select({
          round: evaluations.round,
          benchmark: evaluations.benchmark,
          model: evaluations.model,
          problems: evaluations.problems,
          samples: evaluations.samples,
          correct: evaluations.correct,
          undecided: evaluations.undecided,
          teacherCorrect: evaluations.teacherCorrect,
          accuracy: evaluations.accuracy,
        })
        .from(evaluations)
        .where(eq(evaluations.runId, runId))
        .orderBy(asc(evaluations.round), asc(evaluations.benchmark));
    case 'rejections':
      // Replies that were refused (invalid response shape, or a reply that failed its
      // schema) with the reason: kept for inspection, never used.
      return db
        .select({
          id: replyRejections.id,
          round: replyRejections.round,
          role: replyRejections.role,
          promptVersion: replyRejections.promptVersion,
          attempt: replyRejections.attempt,
          error: replyRejections.error,
          content: replyRejections.content,
        })
        .from(replyRejections)
        .where(eq(replyRejections.runId, runId))
        .orderBy(
          asc(replyRejections.round),
          asc(replyRejections.role),
          asc(replyRejections.promptVersion),
          asc(replyRejections.id),
        );
    case 'models':
      return modelRows(db, runId);
    case 'writers': {
      const [run] = await db.select().from(runs).where(eq(runs.id, runId));
      return writerFigures(db, runId, loadSnapshot(run!.config).generator.band);
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

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * One row per trained model of any role: its parent, the rounds of data it was trained on,
 * its examples and weight sum, the trainer's metrics; a Generator's validity and calibration.
 */
export async function modelRows(db: Database, runId: string) {
  const [run] = await db.select().from(runs).where(eq(runs.id, runId));
  const config = loadSnapshot(run!.config);
  const rows = await db
    .select()
    .from(models)
    .where(eq(models.runId, runId))
    .orderBy(asc(models.role), asc(models.round));
  const byName = new Map(rows.map((m) => [m.servedName, m]));
  const figures = new Map(
    rows.some((m) => m.role === 'generator')
      ? (await writerFigures(db, runId, config.generator.band)).map((w) => [w.model, w])
      : [],
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

/** Every writer's validity and calibration over the whole run. */
async function writerFigures(db: Database, runId: string, band: [number, number]) {
  const { ALL_ROUNDS, writerReport } = await import('../activities/generator.js');
  return writerReport(db, runId, ALL_ROUNDS, band);
}
