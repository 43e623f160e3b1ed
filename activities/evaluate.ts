// SPEC §3 step 13: Mean@k accuracy of a Solver on a benchmark, graded by the same verifier.

import { ApplicationFailure } from '@temporalio/common';
import { evaluations } from '../db/schema';
import { PROMPT_VERSIONS, solvePrompt } from '../prompts';
import { verify } from '../verifier';
import { benchmarkFiles, evaluationProblems } from './benchmarks';
import { type ActivityDeps, runConfig } from './deps';
import { batchCount, batchSlice } from './round-set';
import { requestSeed } from './sample';

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

export async function evaluateBatch(
  deps: ActivityDeps,
  ref: EvaluationRef & { batch: number },
): Promise<{ problems: number; correct: number }> {
  const config = await runConfig(deps.db, ref.runId);
  const file = benchmarkFiles(config).find((b) => b.name === ref.benchmark);
  if (!file)
    throw ApplicationFailure.nonRetryable(
      `benchmark ${ref.benchmark} is not in the run's config`,
      'UnknownBenchmark',
    );
  const batch = batchSlice(
    await evaluationProblems(config, file.path),
    ref.batch,
    config.loop.batchSize,
  );
  const { samples, temperature, topP } = config.evaluation;
  const correct = await Promise.all(
    batch.map(async (problem) => {
      const reply = await deps.llm.chat({
        role: 'solver',
        model: ref.model,
        promptVersion: PROMPT_VERSIONS.solve,
        messages: solvePrompt(problem.text),
        n: samples,
        temperature,
        topP,
        seed: requestSeed(config.seed, 'eval', ref.benchmark, problem.sourceRef),
        runId: ref.runId,
        round: ref.round,
      });
      const verdicts = await Promise.all(reply.choices.map((c) => verify(problem.answer, c)));
      return verdicts.filter((v) => v.equal === true).length;
    }),
  );
  return { problems: batch.length, correct: correct.reduce((a, b) => a + b, 0) };
}

export async function recordEvaluation(
  deps: ActivityDeps,
  ref: EvaluationRef & { problems: number; correct: number },
): Promise<{ accuracy: number }> {
  const config = await runConfig(deps.db, ref.runId);
  const samples = config.evaluation.samples;
  const accuracy = ref.problems === 0 ? 0 : ref.correct / (ref.problems * samples);
  const row = { ...ref, samples, accuracy };
  await deps.db
    .insert(evaluations)
    .values(row)
    .onConflictDoUpdate({
      target: [evaluations.runId, evaluations.round, evaluations.benchmark],
      set: row,
    });
  return { accuracy };
}
