// `socratic run`: start a run, or resume the unfinished one in the state directory,
// with a worker in this process, and show its progress until it ends.
import {
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
import { createWorker, installRuntimeWithMetrics } from '../workers/worker';
import { roundWorkflowId, runWorkflowId } from '../workflows/ids';
import { progressQuery } from '../workflows/progress';
import { type RunInput, runWorkflow, statusQuery } from '../workflows/run';
import { commandConfig, parseCommand, UsageError } from './options';
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
        out.info('  the run keeps the config it was started with; options given now are ignored');
    } else {
      run = await createRun(db, config);
      out.info(`starting run ${run.id}: ${run.rounds} rounds, seed ${run.seed}`, { runId: run.id });
    }
    out.info(`state: ${config.stateDir}; database: ${session.database.location}`);
    if (temporal.uiUrl)
      out.info(
        `Temporal UI: ${temporal.uiUrl}/namespaces/${temporal.namespace}/workflows/${runWorkflowId(run.id)}`,
      );
    if (session.lab) out.info(`simulated lab: ${session.lab.url}`);

    const runConfig = runConfigOf(run);
    const worker = await createWorker({
      connection: await temporal.nativeConnection(),
      namespace: temporal.namespace,
      taskQueue: runConfig.temporal.taskQueue,
      deps: session.deps,
    });
    const working = worker.run();
    const stop = () => {
      out.info('\nstopping; run the same command again to resume');
      worker.shutdown();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const handle = await startOrAttach(temporal.client, session, run, runConfig);
      try {
        await Promise.race([watch(handle, session, run, out), working]);
      } catch (error) {
        if (!(error instanceof WorkflowFailedError)) throw error;
        // A failure that retries could not fix (a bad trainer config, say): say why, keep the data.
        out.info(`run ${run.id} failed: ${rootCause(error)}`);
        await keepReport(session, run.id, out);
        out.info('fix the cause and run the same command again: finished steps are not redone');
        return 1;
      }
      const [finished] = await db.select().from(runs).where(eq(runs.id, run.id));
      const report = await keepReport(session, run.id, out);
      if (report && !values.json) out.info(`report: ${report}`);
      const summaries = await completedSummaries(db, run.id);
      out.done({
        runId: run.id,
        status: finished?.status,
        rounds: summaries,
        initial: await initialAccuracy(db, run.id),
      });
      if (!values.json) out.info(`run ${run.id} ${finished?.status ?? 'stopped'}`);
      if (!values.json && temporal.embedded)
        out.info(
          `the Temporal dev server keeps running for its UI; \`socratic server stop\` stops it`,
        );
      return finished?.status === 'completed' ? 0 : 1;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await working.catch(() => {});
    }
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

function rootCause(error: Error): string {
  let cause: Error = error;
  while (cause.cause instanceof Error) cause = cause.cause;
  return cause.message;
}

function wholeNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`${flag} expects a whole number, got "${value}"`);
  return n;
}

/** Seed and benchmark files are read whole before a run starts: a bad line stops it here. */
async function checkInputs(config: Config): Promise<void> {
  if (config.loop.seeds !== LAB) await loadSeedFile(seedFile(config));
  if (config.evaluation.benchmarks !== LAB)
    for (const b of benchmarkFiles(config)) await loadProblemFile(b.path);
  if (config.warmStart.enabled && config.warmStart.dataset !== LAB) await warmStartExamples(config);
}

type Client = Awaited<ReturnType<typeof connect>>['client'];

async function startOrAttach(client: Client, session: Session, run: RunRow, config: Config) {
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
    settings: {
      parallelBatches: config.temporal.parallelBatches,
      heartbeatTimeoutSeconds: config.temporal.heartbeatTimeoutSeconds,
      trainerHeartbeatTimeoutSeconds: config.trainer.solver.heartbeatTimeoutSeconds,
      trainerMaxAttempts: config.trainer.solver.maxAttempts,
      warmStart: config.warmStart.enabled,
    },
  };
  return client.workflow.start(runWorkflow, {
    workflowId,
    taskQueue: config.temporal.taskQueue,
    args: [input],
    memo: runMemo(database),
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

/** Polls the run's progress and prints it until the run's workflow chain ends. */
async function watch(
  handle: WorkflowHandle<typeof runWorkflow>,
  session: Session,
  run: RunRow,
  out: Reporter,
) {
  const { db } = session.database;
  let shown = (await completedSummaries(db, run.id)).length;
  let watchedRound: number | undefined;
  const result = handle.result().then(
    () => 'done' as const,
    (error: Error) => error,
  );
  for (;;) {
    const outcome = await Promise.race([result, sleep(process.stdout.isTTY ? 250 : 1000)]);
    let round: number | undefined;
    try {
      round = (await handle.query(statusQuery)).round;
      const roundHandle = handle.client.getHandle(roundWorkflowId(run.id, round));
      out.stages(round, await roundHandle.query(progressQuery));
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
    if (outcome === 'done') return;
    if (outcome instanceof Error) throw outcome;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
