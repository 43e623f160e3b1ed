// Activities alone against a real database (PGlite in a temp dir), the real LLM gateway
// and the simulated lab: one run row per test, problems, attempts and round sets written
// directly, so a stage can be checked without Temporal.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asyncLocalStorage, Context, type Info } from '@temporalio/activity';
import { noopMetricMeter } from '@temporalio/common';
import { and, eq } from 'drizzle-orm';
import type { ActivityDeps } from '../../activities/deps';
import { LlmGateway } from '../../activities/llm/gateway';
import { contentId } from '../../algorithm/random';
import { configSnapshot } from '../../config/load';
import { Config } from '../../config/schema';
import { openDatabase } from '../../db/client';
import { attempts, llmCalls, problems, roundProblems, runs } from '../../db/schema';
import type { Knobs } from '../../lab/knobs';
import { type Lab, startLab } from '../../lab/server';

export interface StageEnv {
  deps: ActivityDeps;
  lab: Lab;
  dir: string;
  close(): Promise<void>;
}

export async function stageEnv(knobs: Partial<Knobs> = {}): Promise<StageEnv> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'socratic-stage-'));
  const database = await openDatabase({ dataDir: path.join(dir, 'pgdata') });
  const lab = await startLab({
    port: 0,
    seed: 7,
    knobs: { malformedJsonRate: 0, judgeErrorRate: 0, brokenProblemRate: 0, ...knobs },
  });
  const deps = { db: database.db, llm: new LlmGateway(database.db, lab.url), labUrl: lab.url };
  return {
    deps,
    lab,
    dir,
    async close() {
      await lab.close();
      await database.close();
    },
  };
}

let runs_ = 0;

/** A new run with this config (on top of the defaults); returns its id. */
export async function newRun(env: StageEnv, config: Record<string, unknown> = {}): Promise<string> {
  const parsed = Config.parse({ stateDir: path.join(env.dir, 'state'), ...config });
  // Run ids are "<content part>-<database part>" (cli/runs.ts): rows are keyed by the content part.
  const id = `${contentId('stage-run', process.pid, ++runs_, Date.now()).slice(0, 12)}-0000test`;
  await env.deps.db.insert(runs).values({
    id,
    status: 'running',
    seed: 1,
    rounds: 1,
    config: configSnapshot(parsed),
    configHash: id,
  });
  return id;
}

/** A problem in round `round`'s set, with its zone, and its attempts (text, correct). */
export async function addProblem(
  env: StageEnv,
  runId: string,
  p: {
    id: string;
    text: string;
    answer: string;
    solution?: string | null;
    round?: number;
    zone?: 'mastered' | 'learning' | 'too_difficult' | null;
    attempts?: { text: string; correct: boolean }[];
  },
): Promise<string[]> {
  const round = p.round ?? 1;
  await env.deps.db.insert(problems).values({
    runId,
    id: p.id,
    text: p.text,
    answer: p.answer,
    solution: p.solution ?? null,
    origin: 'seed',
    roundCreated: 0,
  });
  await env.deps.db
    .insert(roundProblems)
    .values({ runId, round, problemId: p.id, source: 'fresh', zone: p.zone ?? null });
  const ids = (p.attempts ?? []).map((_, i) => `${runId}/${p.id}/a${i}`);
  if (p.attempts?.length)
    await env.deps.db.insert(attempts).values(
      p.attempts.map((a, i) => ({
        id: ids[i]!,
        runId,
        problemId: p.id,
        round,
        solverModel: 'lab-solver',
        sampleIndex: i,
        text: a.text,
        correct: a.correct,
      })),
    );
  return ids;
}

/** The LLM requests a run paid for, optionally of one prompt version. */
export async function requestsOf(env: StageEnv, runId: string, promptVersion?: string) {
  return env.deps.db
    .select()
    .from(llmCalls)
    .where(
      and(
        eq(llmCalls.runId, runId),
        promptVersion ? eq(llmCalls.promptVersion, promptVersion) : undefined,
      ),
    );
}

/** Runs `work` as if inside an activity (heartbeats go nowhere), for activities that heartbeat. */
export function inActivity<T>(work: () => Promise<T>): Promise<T> {
  const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
  const info = { attempt: 1, heartbeatTimeoutMs: undefined, heartbeatDetails: undefined };
  const context = new Context(
    info as unknown as Info,
    new Promise<never>(() => {}),
    new AbortController().signal,
    () => {},
    undefined,
    quiet,
    noopMetricMeter,
    {} as ConstructorParameters<typeof Context>[7],
  );
  return asyncLocalStorage.run(context, work);
}
