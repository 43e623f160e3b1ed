// `socratic export`: a run's records as JSON lines on stdout, in a stable order.
import { and, asc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../db/client';
import { attempts, evaluations, pairs, problems, refinements } from '../db/schema';
import { commandConfig, parseCommand, UsageError } from './options';
import { findRun } from './runs';
import { openDatabaseFor } from './session';

export const EXPORTS = ['problems', 'attempts', 'pairs', 'generator-data', 'evaluations'] as const;
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
          subject: problems.subject,
          text: problems.text,
          answer: problems.answer,
        })
        .from(problems)
        .where(eq(problems.runId, runId))
        .orderBy(asc(problems.roundCreated), asc(problems.id));
    case 'attempts':
      // `pairEligible`: false when self-verification dropped the problem in this round
      // (SPEC §3 step 5: it yields no pairs), so pairs can be recomputed from this export alone.
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
          pairEligible: sql<boolean>`${problems.droppedRound} is distinct from ${attempts.round}`,
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
  }
}
