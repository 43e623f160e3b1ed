// SPEC §3 step 2: k Solver attempts per problem, one batch of problems per activity.
import { contentId, runContentKey, uniform } from '../algorithm/random';
import type { Config } from '../config/schema';
import { taskSampling } from '../config/tasks';
import { attempts } from '../db/schema';
import { PROMPT_VERSIONS, solvePrompt } from '../prompts';
import { extractAnswer } from '../verifier';
import { type ActivityDeps, runConfig } from './deps';
import { type BatchRef, problemsOfRound, type RoundRef } from './round-set';
import { settleAll } from './settle';

/** A request seed fixed by its content, so the same step asks the same question. */
export function requestSeed(...parts: (string | number)[]): number {
  return Math.floor(uniform('request-seed', ...parts) * 2 ** 31);
}

function attemptId(runId: string, round: number, problemId: string, sampleIndex: number): string {
  return contentId('attempt', runContentKey(runId), round, problemId, sampleIndex);
}

export async function sampleBatch(
  deps: ActivityDeps,
  ref: BatchRef & { solverModel: string },
): Promise<SampleCounts> {
  const config = await runConfig(deps.db, ref.runId);
  const batch = await problemsOfRound(deps.db, ref, { batchSize: config.loop.batchSize });
  return sampleProblems(deps, ref, config, batch);
}

export interface SampleCounts {
  attempts: number;
  /** Calls paid for (not served by the cache). */
  requests: number;
}

/** Samples k attempts for each of `batch` and stores them. */
export async function sampleProblems(
  deps: ActivityDeps,
  ref: RoundRef & { solverModel: string },
  config: Config,
  batch: { id: string; text: string }[],
): Promise<SampleCounts> {
  let requests = 0;
  await settleAll(
    batch.map(async (problem) => {
      const reply = await deps.llm.chat({
        role: 'solver',
        model: ref.solverModel,
        promptVersion: PROMPT_VERSIONS.solve,
        messages: solvePrompt(problem.text),
        n: config.loop.k,
        ...taskSampling(config, 'solve'),
        seed: requestSeed(config.seed, ref.round, problem.id),
        runId: ref.runId,
        round: ref.round,
      });
      if (!reply.cached) requests++;
      const rows = reply.choices.map((text, sampleIndex) => ({
        id: attemptId(ref.runId, ref.round, problem.id, sampleIndex),
        runId: ref.runId,
        problemId: problem.id,
        round: ref.round,
        solverModel: ref.solverModel,
        sampleIndex,
        text,
        extractedAnswer: extractAnswer(text),
        completionTokens: Math.round(
          (reply.completionTokens ?? 0) / Math.max(1, reply.choices.length),
        ),
      }));
      if (rows.length === 0) throw new Error(`no attempts for problem ${problem.id}`); // never values([])
      await deps.db.insert(attempts).values(rows).onConflictDoNothing();
    }),
  );
  return { attempts: batch.length * config.loop.k, requests };
}
