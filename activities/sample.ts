// SPEC §3 step 2: k Solver attempts per problem, one batch of problems per activity.
import { contentId, runContentKey, uniform } from '../algorithm/random';
import type { Config } from '../config/schema';
import { taskSampling } from '../config/tasks';
import { GroupCommit, HOT_PATH_LINGER_MS, insertRowsAsJson } from '../db/bulk';
import type { Database } from '../db/client';
import { attempts } from '../db/schema';
import { PROMPT_VERSIONS, solvePrompt } from '../prompts';
import { extractAnswer } from '../verifier';
import { type ActivityDeps, runConfig } from './deps';
import type { ChatRequest } from './llm/gateway';
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

/** Attempts rows of every sampling activity of a worker, written in groups per database. */
const attemptWrites = new WeakMap<Database, GroupCommit<typeof attempts.$inferInsert>>();
function attemptWriter(db: Database) {
  let writer = attemptWrites.get(db);
  if (!writer) {
    writer = new GroupCommit((rows) => insertRowsAsJson(db, attempts, rows), {
      lingerMs: HOT_PATH_LINGER_MS,
    });
    attemptWrites.set(db, writer);
  }
  return writer;
}

/**
 * Samples k attempts for each of `batch` and stores them. Problems stream through a few
 * times the role's concurrency at once (a slice may hold hundreds): each is stored as its
 * reply arrives, never waiting for the slowest of the slice.
 */
export async function sampleProblems(
  deps: ActivityDeps,
  ref: RoundRef & { solverModel: string },
  config: Config,
  batch: { id: string; text: string }[],
): Promise<SampleCounts> {
  const writer = attemptWriter(deps.db);
  let requests = 0;
  const requestOf = (problem: { id: string; text: string }): ChatRequest => ({
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
  // One cache read for the slice, not one per problem.
  await deps.llm.prefetch(batch.map(requestOf));
  const sampleOne = async (problem: { id: string; text: string }) => {
    const reply = await deps.llm.chat(requestOf(problem));
    if (!reply.cached) requests++;
    if (reply.choices.length === 0) throw new Error(`no attempts for problem ${problem.id}`);
    const completionTokens = Math.round(
      (reply.completionTokens ?? 0) / Math.max(1, reply.choices.length),
    );
    await writer.add(
      reply.choices.map((text, sampleIndex) => ({
        id: attemptId(ref.runId, ref.round, problem.id, sampleIndex),
        runId: ref.runId,
        problemId: problem.id,
        round: ref.round,
        solverModel: ref.solverModel,
        sampleIndex,
        text,
        // A bounded scan of the reply's tail (verifier/extract.ts): cheap beside the call.
        extractedAnswer: extractAnswer(text),
        completionTokens,
      })),
    );
  };
  const inFlight = Math.max(1, IN_FLIGHT_PER_SLOT * config.roles.solver.concurrency);
  let next = 0;
  const lane = async () => {
    const failures: unknown[] = [];
    for (let i = next++; i < batch.length; i = next++)
      await sampleOne(batch[i]!).catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  };
  await settleAll(Array.from({ length: Math.min(inFlight, batch.length) }, lane));
  return { attempts: batch.length * config.loop.k, requests };
}

/**
 * Problems in flight per slot of the Solver's concurrency: enough that a slot freed by a
 * reply finds the next request already waiting (past its cache read) for it.
 */
const IN_FLIGHT_PER_SLOT = 2;
