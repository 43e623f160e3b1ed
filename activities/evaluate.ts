// SPEC §3 step 13: Mean@k accuracy of a Solver on a benchmark, graded by the same verifier;
// the samples MathRule cannot decide go to the Teacher as judge, counted separately.
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../config/schema';
import { taskSampling } from '../config/tasks';
import { evaluations } from '../db/schema';
import { judgePrompt, PROMPT_VERSIONS, solvePrompt } from '../prompts';
import { JudgeReply, REPLY_FORMATS } from '../prompts/replies';
import { verify } from '../verifier';
import { benchmarkFiles, evaluationProblems } from './benchmarks';
import { type ActivityDeps, runConfig } from './deps';
import { sameIndices } from './judge';
import { batchCount, batchSlice } from './round-set';
import { requestSeed } from './sample';
import { settleAll } from './settle';

export interface EvaluationRef {
  runId: string;
  /** 0 = the initial Solver; t = the Solver trained in round t. */
  round: number;
  benchmark: string;
  model: string;
}

/** How many batches each configured benchmark has, for the workflow to fan out. */
export async function evaluationPlan(
  deps: ActivityDeps,
  runId: string,
): Promise<{ benchmark: string; batches: number }[]> {
  const config = await runConfig(deps.db, runId);
  return Promise.all(
    benchmarkFiles(config).map(async (b) => ({
      benchmark: b.name,
      batches: batchCount((await evaluationProblems(config, b.path)).length, config.loop.batchSize),
    })),
  );
}

/** The evaluation problems of a benchmark the run's config names. */
export async function benchmarkProblems(config: Config, benchmark: string) {
  const file = benchmarkFiles(config).find((b) => b.name === benchmark);
  if (!file)
    throw ApplicationFailure.nonRetryable(
      `benchmark ${benchmark} is not in the run's config`,
      'UnknownBenchmark',
    );
  return evaluationProblems(config, file.path);
}

export async function evaluateBatch(
  deps: ActivityDeps,
  ref: EvaluationRef & { batch: number },
): Promise<{ problems: number; correct: number; undecided: number; teacherCorrect: number }> {
  const config = await runConfig(deps.db, ref.runId);
  const batch = batchSlice(
    await benchmarkProblems(config, ref.benchmark),
    ref.batch,
    config.loop.batchSize,
  );
  const { samples, topP, teacherFallback } = config.evaluation;
  const counts = await settleAll(
    batch.map(async (problem) => {
      const reply = await deps.llm.chat({
        role: 'solver',
        model: ref.model,
        promptVersion: PROMPT_VERSIONS.solve,
        messages: solvePrompt(problem.text),
        n: samples,
        ...taskSampling(config, 'evaluate'),
        topP,
        seed: requestSeed(config.seed, 'eval', ref.benchmark, problem.sourceRef),
        runId: ref.runId,
        round: ref.round,
      });
      const verdicts = await Promise.all(reply.choices.map((c) => verify(problem.answer, c)));
      const undecided = reply.choices.filter((_, i) => verdicts[i]!.equal === null);
      let teacherCorrect = 0;
      if (teacherFallback && undecided.length > 0) {
        const judged = await deps.llm.chatValidated(
          {
            role: 'teacher',
            model: config.roles.teacher.model,
            promptVersion: PROMPT_VERSIONS.judge,
            messages: judgePrompt(problem.text, problem.answer, undecided),
            ...taskSampling(config, 'judge'),
            responseFormat: REPLY_FORMATS.judge,
            seed: requestSeed(config.seed, 'eval-judge', ref.benchmark, problem.sourceRef),
            runId: ref.runId,
            round: ref.round,
          },
          JudgeReply,
          3,
          (r) =>
            sameIndices(r, undecided.length)
              ? null
              : `expected one verdict for each of the ${undecided.length} answers`,
        );
        teacherCorrect = judged?.verdicts.filter((v) => v.correct).length ?? 0;
      }
      const ruleCorrect = verdicts.filter((v) => v.equal === true).length;
      return { correct: ruleCorrect + teacherCorrect, undecided: undecided.length, teacherCorrect };
    }),
  );
  const total = (key: 'correct' | 'undecided' | 'teacherCorrect') =>
    counts.reduce((a, c) => a + c[key], 0);
  return {
    problems: batch.length,
    correct: total('correct'),
    undecided: total('undecided'),
    teacherCorrect: total('teacherCorrect'),
  };
}

export async function recordEvaluation(
  deps: ActivityDeps,
  ref: EvaluationRef & {
    problems: number;
    correct: number;
    undecided?: number;
    teacherCorrect?: number;
  },
): Promise<{ accuracy: number }> {
  const config = await runConfig(deps.db, ref.runId);
  const samples = config.evaluation.samples;
  const accuracy = ref.problems === 0 ? 0 : ref.correct / (ref.problems * samples);
  const row = {
    ...ref,
    undecided: ref.undecided ?? 0,
    teacherCorrect: ref.teacherCorrect ?? 0,
    samples,
    accuracy,
  };
  await deps.db
    .insert(evaluations)
    .values(row)
    .onConflictDoUpdate({
      target: [evaluations.runId, evaluations.round, evaluations.benchmark],
      set: row,
    });
  return { accuracy };
}
