// `socratic run`: start a run, or resume the unfinished one in the state directory,
// with a worker in this process, and show its progress until it ends.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApplicationFailure,
  CancelledFailure,
  WorkflowFailedError,
  type WorkflowHandle,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { benchmarkFiles, seedFile } from '../activities/benchmarks';
import { warmStartExamples } from '../activities/warm-start';
import { type Config, LAB } from '../config/schema';
import { loadProblemFile, loadSeedFile } from '../data/problem-file';
import { runs } from '../db/schema';
import { writeReport } from '../report';
import type { TemporalTarget } from '../temporal/connection';
import { resourceQueuesOf, taskQueuesOf } from '../workers/queues';
import { createWorkers, installRuntimeWithMetrics } from '../workers/worker';
import { roundWorkflowId, runWorkflowId } from '../workflows/ids';
import type { RoundSettings } from '../workflows/round';
import {
  type RunInput,
  resumeSignal,
  resumeUpdate,
  runWorkflow,
  statusQuery,
} from '../workflows/run';
import { commandConfig, parseCommand, UsageError } from './options';
import { roundProgress } from './progress';
import { temporalUiOf } from './report';
import { Reporter } from './reporter';
import {
  assertRunOfDatabase,
  completedSummaries,
  createRun,
  databaseId,
  firstIncompleteRound,
  initialAccuracy,
  type RunRow,
  runConfigOf,
  runMemo,
  unfinishedRun,
} from './runs';
import { connect, openSession, type Session } from './session';

export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    rounds: { type: 'string' },
    seed: { type: 'string' },
    detach: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  const out = new Reporter(values.json);
  const { config } = await commandConfig(values, {
    rounds: values.rounds === undefined ? undefined : wholeNumber('--rounds', values.rounds),
    seed: values.seed === undefined ? undefined : wholeNumber('--seed', values.seed),
  });
  await checkInputs(config); // before anything is written

  const served = await installRuntimeWithMetrics(config.metrics.address);
  if (served) out.info(`metrics: ${served.url}`);
  const session = await openSession(config);
  const temporal = await connect(config, (message) => out.info(message)).catch(async (error) => {
    await session.close();
    await served?.close();
    throw error;
  });
  try {
    const { db } = session.database;
    let run = await unfinishedRun(db);
    if (run) {
      out.info(`resuming run ${run.id} (round ${Math.max(1, run.currentRound)} of ${run.rounds})`, {
        runId: run.id,
      });
      if (values.config || values.rounds || values.seed)
        out.info(
          '  the run keeps the config it was started with; options given now are ignored (repair it with `socratic resume --config`, or `socratic branch`)',
        );
    } else {
      run = await createRun(db, config);
      out.info(`starting run ${run.id}: ${run.rounds} rounds, seed ${run.seed}`, { runId: run.id });
    }
    return await follow({ session, temporal, run, out, json: values.json, detach: values.detach });
  } finally {
    await temporal.close();
    await session.close();
    await served?.close();
  }
}

/** Rewrites the run's report from the database; a report that fails never stops the run. */
async function keepReport(session: Session, runId: string, out: Reporter) {
  try {
    return await writeReport(session.database.db, session.config, runId, {
      temporalUi: await temporalUiOf(session.config),
    });
  } catch (error) {
    out.info(`(the report could not be written: ${(error as Error).message})`);
    return undefined;
  }
}

export interface FollowOptions {
  session: Session;
  temporal: TemporalTarget;
  run: RunRow;
  out: Reporter;
  json: boolean;
  /** Only start or attach, without hosting a worker or waiting (cluster workers do the work). */
  detach?: boolean;
  /** Sent to the run once a worker serves it: a paused run resumes. */
  resume?: boolean;
}

/**
 * Hosts a worker for the run in this process, starts its workflow (or attaches to the one
 * running) and shows its progress until it ends. Exit code 0 when it completed or was stopped.
 */
export async function follow(options: FollowOptions): Promise<number> {
  const { session, temporal, run, out } = options;
  const { db } = session.database;
  out.info(`state: ${session.config.stateDir}; database: ${session.database.location}`);
  if (temporal.uiUrl)
    out.info(
      `Temporal UI: ${temporal.uiUrl}/namespaces/${temporal.namespace}/workflows/${runWorkflowId(run.id)}`,
    );
  if (session.lab) out.info(`simulated lab: ${session.lab.url}`);

  const runConfig = runConfigOf(run);
  if (options.detach) {
    const handle = await startOrAttach(temporal.client, session, run, runConfig);
    if (options.resume) await handle.signal(resumeSignal);
    out.info(
      `run ${run.id} is on the Temporal server; \`socratic worker\` processes run it (task queues ${Object.values(taskQueuesOf(runConfig.temporal)).join(', ')})`,
    );
    return 0;
  }
  // Every queue in this process: the workflows, LLM calls, CPU work and training.
  const workers = await createWorkers({
    target: temporal,
    temporal: runConfig.temporal,
    deps: session.deps,
  });
  const working = workers.run();
  let interrupted = false;
  // Ends the watch's calls (a long poll, queries) before the connection closes under them.
  const watchAborted = new AbortController();
  const stop = () => {
    interrupted = true;
    watchAborted.abort();
    out.info(
      `\nstopping; run the same command again (or \`socratic resume --run ${run.id}\`) to resume`,
    );
    workers.shutdown();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const handle = await startOrAttach(temporal.client, session, run, runConfig);
    if (options.resume)
      await handle.executeUpdate(resumeUpdate, { args: [{ settings: roundSettings(runConfig) }] });
    try {
      const watching = temporal.client.withAbortSignal(watchAborted.signal, () =>
        watch(handle, session, run, out, watchAborted.signal),
      );
      // Interrupted, the watch ends on the closed connection after this returns: not an error.
      watching.catch(() => {});
      await Promise.race([watching, working]);
      if (interrupted) return 130;
    } catch (error) {
      if (interrupted) return 130;
      if (!(error instanceof WorkflowFailedError)) throw error;
      if (error.cause instanceof CancelledFailure) {
        out.info(`run ${run.id} cancelled`);
        return 1;
      }
      // A failure that retries could not fix (a bad trainer config, say): say why and what to do.
      out.info(failureLine(run.id, error));
      await keepReport(session, run.id, out);
      return 1;
    }
    const [finished] = await db.select().from(runs).where(eq(runs.id, run.id));
    const report = await keepReport(session, run.id, out);
    if (report && !options.json) out.info(`report: ${report}`);
    const summaries = await completedSummaries(db, run.id);
    out.done({
      runId: run.id,
      status: finished?.status,
      parentRunId: finished?.parentRunId ?? null,
      branchedFromRound: finished?.branchedFromRound ?? null,
      rounds: summaries,
      initial: await initialAccuracy(db, run.id),
    });
    if (!options.json) out.info(`run ${run.id} ${finished?.status ?? 'stopped'}`);
    if (!options.json && temporal.embedded)
      out.info(
        `the Temporal dev server keeps running for its UI; \`socratic server stop\` stops it`,
      );
    return finished?.status === 'completed' || finished?.status === 'stopped' ? 0 : 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    workers.shutdown();
    await working.catch(() => {});
  }
}

/** What a user can do about a failure that retrying cannot fix, by its type. */
const FIXES: Record<string, string> = {
  TrainerBadConfig:
    'fix trainer.solver (command, hyperparameters) in a config file and run `socratic resume --run {run} --config FILE`',
  ConfigRefused: 'fix the config and run `socratic resume --run {run} --config FILE`',
  UnknownBenchmark:
    'fix evaluation.benchmarks in a config file and run `socratic resume --run {run} --config FILE`',
  LlmAuthRefused:
    'set a valid key in the variable roles.<role>.apiKeyEnv names, then `socratic resume --run {run}`',
  LlmApiKeyMissing:
    "export the variable in the worker's environment, then `socratic resume --run {run}`",
  LlmModelNotFound:
    'fix roles.<role>.model or baseUrl (or serving) in a config file and run `socratic resume --run {run} --config FILE`',
  LlmEndpointMissing:
    'give roles.<role>.baseUrl a URL in a config file and run `socratic resume --run {run} --config FILE`',
  NondeterminismError:
    "this code no longer replays the round's history: finish it with the release it started on (a worker with its SOCRATIC_BUILD_ID), or redo the round on this code with `socratic replay --run {run} --round N --from sample`",
};

/** One line: why the run failed and what fixes it. */
export function failureLine(runId: string, error: Error): string {
  let cause: Error = error;
  let type: string | undefined;
  for (;;) {
    if (cause instanceof ApplicationFailure && cause.type) type = cause.type;
    if (!(cause.cause instanceof Error)) break;
    cause = cause.cause;
  }
  // One line, the trainer's last words (its stderr tail) included.
  const message = cause.message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' | ')
    .slice(0, 1500);
  if (/nondeterminism|DeterminismViolation/i.test(`${type} ${cause.message}`))
    type = 'NondeterminismError';
  const fix =
    (type && FIXES[type]) ??
    'fix the cause and run `socratic resume --run {run}`: finished steps are not redone';
  return `run ${runId} failed: ${message}${type ? ` (${type})` : ''} — ${fix.replaceAll('{run}', runId)}`;
}

export function roundSettings(config: Config): RoundSettings {
  return {
    parallelBatches: config.temporal.parallelBatches,
    heartbeatTimeoutSeconds: config.temporal.heartbeatTimeoutSeconds,
    trainerHeartbeatTimeoutSeconds: config.trainer.solver.heartbeatTimeoutSeconds,
    trainerMaxAttempts: config.trainer.solver.maxAttempts,
    warmStart: config.warmStart.enabled,
    taskQueues: resourceQueuesOf(config.temporal),
  };
}

export function wholeNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`${flag} expects a whole number, got "${value}"`);
  return n;
}

/** Seed and benchmark files are read whole before a run starts: a bad line stops it here. */
export async function checkInputs(config: Config): Promise<void> {
  if (config.loop.seeds !== LAB) await loadSeedFile(seedFile(config));
  if (config.evaluation.benchmarks !== LAB)
    for (const b of benchmarkFiles(config)) await loadProblemFile(b.path);
  if (config.warmStart.enabled && config.warmStart.dataset !== LAB) await warmStartExamples(config);
}

type Client = Awaited<ReturnType<typeof connect>>['client'];

export async function startOrAttach(client: Client, session: Session, run: RunRow, config: Config) {
  const workflowId = runWorkflowId(run.id);
  const handle = client.workflow.getHandle<typeof runWorkflow>(workflowId);
  const database = await databaseId(session.database.db);
  try {
    const { status, memo } = await handle.describe();
    if (status.name === 'RUNNING') {
      assertRunOfDatabase({ id: run.id, workflowId }, memo, database);
      return handle;
    }
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
  // Not running (first start, or its execution failed or was lost): start from the first
  // round not completed; every finished step is served again from the database.
  const input: RunInput = {
    runId: run.id,
    rounds: run.rounds,
    round: await firstIncompleteRound(session.database.db, run),
    settings: roundSettings(config),
  };
  await session.database.db
    .update(runs)
    .set({ status: 'running', error: null, finishedAt: null })
    .where(eq(runs.id, run.id));
  return client.workflow.start(runWorkflow, {
    workflowId,
    taskQueue: config.temporal.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    // Which database the run belongs to (checked on attach), and its lineage, readable
    // from Temporal while the run's process holds the database.
    memo: {
      ...runMemo(database),
      parentRunId: run.parentRunId,
      branchedFromRound: run.branchedFromRound,
    },
  });
}

/** Polls the run's progress and prints it until the run's workflow chain ends. */
async function watch(
  handle: WorkflowHandle<typeof runWorkflow>,
  session: Session,
  run: RunRow,
  out: Reporter,
  stopped: AbortSignal,
) {
  const { db } = session.database;
  let shown = (await completedSummaries(db, run.id)).length;
  let watchedRound: number | undefined;
  let pausedFor: string | null = null;
  const result = handle.result().then(
    () => 'done' as const,
    (error: Error) => error,
  );
  for (;;) {
    const outcome = await Promise.race([result, sleep(process.stdout.isTTY ? 250 : 1000)]);
    // Interrupted: no new call may start (with no worker left, a query would hang until the
    // connection closes under it).
    if (stopped.aborted) return;
    if (outcome instanceof Error) throw outcome;
    let round: number | undefined;
    try {
      round = (await handle.query(statusQuery)).round;
      const roundHandle = handle.client.getHandle(roundWorkflowId(run.id, round));
      out.stages(round, await roundProgress(roundHandle));
    } catch {
      // Between rounds, or no worker yet: nothing to show this tick.
    }
    // A round can only have finished when the run moved on (or ended): read summaries then.
    if (round !== watchedRound || outcome !== undefined) {
      watchedRound = round;
      const summaries = await completedSummaries(db, run.id);
      if (shown < summaries.length) {
        const initial = await initialAccuracy(db, run.id);
        while (shown < summaries.length) out.round(summaries[shown++]!, summaries, initial);
        await keepReport(session, run.id, out);
      }
    }
    // A run that paused by itself (a budget reached) says why, once.
    const [state] = await db
      .select({ status: runs.status, error: runs.error })
      .from(runs)
      .where(eq(runs.id, run.id));
    const reason = state?.status === 'paused' ? (state.error ?? null) : null;
    if (reason !== pausedFor) {
      pausedFor = reason;
      if (reason)
        out.info(`run ${run.id} paused: ${reason}`, { runId: run.id, paused: true, reason });
    }
    if (outcome === 'done') return;
  }
}
