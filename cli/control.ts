// Operating a run (SPEC §4): `socratic runs|pause|resume|stop|cancel|replay|branch`.
// Pause, stop and cancel talk to Temporal only, so they work while the run's own process
// holds the embedded database; resume, replay and branch host a worker and follow the run
// like `socratic run` (unless --detach).
import {
  type Client,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { and, asc, desc, eq } from 'drizzle-orm';
import { copyRunRecords, reviseRunConfig, supersedeFrom } from '../activities/lineage';
import { loadConfig } from '../config/load';
import { checkConfigChanges, configChanges, STAGES, type Stage } from '../config/revisions';
import type { Config } from '../config/schema';
import type { DatabaseHandle } from '../db/client';
import { DirectoryLockedError } from '../db/lock';
import { rounds, runs, stages } from '../db/schema';
import type { TemporalTarget } from '../temporal/connection';
import { quietRuntime } from '../workers/worker';
import { roundWorkflowId, runWorkflowId } from '../workflows/ids';
import { progressQuery } from '../workflows/progress';
import {
  pauseSignal,
  pauseUpdate,
  type RunStatus,
  resumeUpdate,
  statusQuery,
  stopUpdate,
} from '../workflows/run';
import { commandConfig, parseCommand, UsageError } from './options';
import { Reporter } from './reporter';
import { checkInputs, follow, wholeNumber } from './run';
import { createRun, findRun, type RunRow, runConfigOf } from './runs';
import { connect, openDatabaseFor, openSession } from './session';

const RUN = { run: { type: 'string', default: 'latest' } } as const;
const FOLLOW = {
  json: { type: 'boolean', default: false },
  detach: { type: 'boolean', default: false },
} as const;

/** How long a control waits for a worker to take it before saying none runs the run. */
const ANSWER_MS = 20_000;

async function withTemporal<T>(config: Config, work: (t: TemporalTarget) => Promise<T>) {
  quietRuntime();
  const temporal = await connect(config, () => {});
  try {
    return await work(temporal);
  } finally {
    await temporal.close();
  }
}

/** The database for a short read, or undefined when a running `socratic` process holds it. */
async function databaseIfFree(config: Config): Promise<DatabaseHandle | undefined> {
  try {
    return await openDatabaseFor(config, { thread: false });
  } catch (error) {
    if (error instanceof DirectoryLockedError) return undefined;
    throw error;
  }
}

/** A run id from --run: an id, or `latest` (the newest run, from the database or Temporal). */
async function runIdOf(config: Config, wanted: string, client: Client): Promise<string> {
  if (wanted !== 'latest') return wanted;
  const database = await databaseIfFree(config);
  if (database) {
    try {
      const run = await findRun(database.db, 'latest');
      if (!run) throw new UsageError(`no runs in ${config.stateDir} yet`);
      return run.id;
    } finally {
      await database.close();
    }
  }
  for await (const execution of client.workflow.list({ query: 'WorkflowType = "runWorkflow"' }))
    return execution.workflowId.replace(/^socratic-run-/, '');
  throw new UsageError('no runs on the Temporal server yet');
}

// ---- socratic runs ----

export async function runsCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { json: { type: 'boolean', default: false } });
  const { config } = await commandConfig(values);
  const rows = await withTemporal(config, (temporal) => listRuns(config, temporal.client));
  if (values.json) console.log(JSON.stringify({ runs: rows }));
  else if (rows.length === 0) console.log(`no runs in ${config.stateDir} yet`);
  else
    for (const r of rows)
      console.log(
        [
          r.id,
          r.status.padEnd(9),
          `round ${r.round}/${r.rounds}`,
          r.stage ?? '-',
          `${age(r.createdAt)} old`,
          r.parentRunId ? `branch of ${r.parentRunId} after round ${r.branchedFromRound}` : '',
        ].join('  '),
      );
  return 0;
}

interface RunListing {
  id: string;
  status: string;
  round: number;
  rounds: number;
  stage: string | null;
  createdAt: string;
  parentRunId: string | null;
  branchedFromRound: number | null;
}

async function listRuns(config: Config, client: Client): Promise<RunListing[]> {
  const database = await databaseIfFree(config);
  if (!database) return liveRuns(client); // the run's own process holds the database
  try {
    const all = await database.db.select().from(runs).orderBy(desc(runs.createdAt));
    const listed: RunListing[] = [];
    for (const run of all) {
      const live = await liveStatus(client, run.id);
      const [last] = await database.db
        .select({ stage: stages.stage })
        .from(stages)
        .where(and(eq(stages.runId, run.id), eq(stages.round, run.currentRound)))
        .orderBy(desc(stages.finishedAt))
        .limit(1);
      listed.push({
        id: run.id,
        status: run.status,
        round: live?.round ?? run.currentRound,
        rounds: run.rounds,
        stage: live?.stage ?? last?.stage ?? null,
        createdAt: run.createdAt.toISOString(),
        parentRunId: run.parentRunId,
        branchedFromRound: run.branchedFromRound,
      });
    }
    return listed;
  } finally {
    await database.close();
  }
}

/** The runs Temporal knows, when the database is not readable here. */
async function liveRuns(client: Client): Promise<RunListing[]> {
  const listed: RunListing[] = [];
  for await (const execution of client.workflow.list({ query: 'WorkflowType = "runWorkflow"' })) {
    const id = execution.workflowId.replace(/^socratic-run-/, '');
    if (listed.some((r) => r.id === id)) continue; // older executions of the same run
    const live = await liveStatus(client, id);
    const memo = (execution.memo ?? {}) as { parentRunId?: string; branchedFromRound?: number };
    listed.push({
      id,
      status: live ? (live.paused ? 'paused' : 'running') : execution.status.name.toLowerCase(),
      round: live?.round ?? 0,
      rounds: live?.rounds ?? 0,
      stage: live?.stage ?? null,
      createdAt: execution.startTime.toISOString(),
      parentRunId: memo.parentRunId ?? null,
      branchedFromRound: memo.branchedFromRound ?? null,
    });
  }
  return listed;
}

/** A running run's status and current stage, from its workflows; undefined when not running. */
async function liveStatus(client: Client, runId: string) {
  const handle = client.workflow.getHandle(runWorkflowId(runId));
  try {
    if ((await handle.describe()).status.name !== 'RUNNING') return undefined;
    const status = await within(client, 3000, () => handle.query(statusQuery));
    const round = client.workflow.getHandle(roundWorkflowId(runId, status.round));
    const progress = await within(client, 3000, () => round.query(progressQuery)).catch(() => []);
    const running = progress.filter((s) => s.status === 'running').map((s) => s.stage);
    return { ...status, stage: running.join(' + ') || null };
  } catch {
    return undefined; // not found, or no worker to answer the query
  }
}

function age(iso: string): string {
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 120) return `${Math.round(s)}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

function isAbort(error: unknown): boolean {
  const e = error as { name?: string; code?: number; message?: string };
  return (
    e.name === 'AbortError' ||
    e.name === 'TimeoutError' ||
    e.code === 1 ||
    /abort|cancel/i.test(e.message ?? '')
  );
}

/** Calls to Temporal that give up after `ms` (a query nobody answers, say), retries included. */
function within<T>(client: Client, ms: number, call: () => Promise<T>): Promise<T> {
  return client.withAbortSignal(AbortSignal.timeout(ms), call);
}

// ---- socratic pause | stop | cancel ----

export async function controlCommand(what: 'pause' | 'stop' | 'cancel', argv: string[]) {
  const { values } = parseCommand(argv, RUN);
  const { config } = await commandConfig(values);
  return withTemporal(config, async ({ client }) => {
    const runId = await runIdOf(config, values.run, client);
    const handle = client.workflow.getHandle(runWorkflowId(runId));
    let state: string;
    try {
      state = (await handle.describe()).status.name;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError)
        throw new UsageError(`no run ${runId} on the Temporal server`);
      throw error;
    }
    if (state !== 'RUNNING')
      throw new UsageError(
        `run ${runId} is not running (${state.toLowerCase()}): nothing to ${what}`,
      );
    if (what === 'cancel') {
      await handle.cancel();
      console.log(
        `run ${runId}: cancellation requested; running activities are cancelled (a trainer is terminated) and the run ends as cancelled`,
      );
      return 0;
    }
    const update = what === 'pause' ? pauseUpdate : stopUpdate;
    let status: RunStatus;
    try {
      status = await within(client, ANSWER_MS, () => handle.executeUpdate(update));
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError)
        throw new UsageError(`refused: ${error.cause?.message ?? error.message}`);
      if (!(error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) && !isAbort(error))
        throw error;
      if (what === 'stop')
        throw new UsageError(
          `no worker answered for run ${runId}: start one (\`socratic resume --run ${runId}\`) and stop it then`,
        );
      // No worker runs the run now: a signal waits in its history for the next one.
      await handle.signal(pauseSignal);
      console.log(`run ${runId}: no worker is running it; it stays paused when one picks it up`);
      return 0;
    }
    console.log(
      what === 'pause'
        ? `run ${runId}: paused; it holds at the next stage boundary of round ${status.round} (\`socratic resume --run ${runId}\` continues it)`
        : `run ${runId}: stopping after the current stage of round ${status.round}; it ends as stopped`,
    );
    return 0;
  });
}

// ---- socratic resume | replay | branch ----

/**
 * What resume, replay and branch share: the database (which must be free: they host the
 * run's worker), the run, and the run's config with the command's repair applied.
 */
async function operate(
  argv: string[],
  extra: Parameters<typeof parseCommand>[1],
  act: (ctx: {
    values: Record<string, string | boolean | undefined>;
    database: DatabaseHandle;
    run: RunRow;
    /** The config file given with --config, read against the run's state directory. */
    repair?: Config;
    cliConfig: Config;
  }) => Promise<{ run: RunRow; resume?: boolean } | number>,
): Promise<number> {
  const { values } = parseCommand(argv, { ...RUN, ...FOLLOW, ...extra });
  const { config: cliConfig } = await commandConfig(values);
  const database = await openDatabaseFor(cliConfig).catch((error) => {
    if (error instanceof DirectoryLockedError)
      throw new UsageError(
        `${error.message}\nthat process runs the run: use \`socratic pause|resume|stop\` without a worker, or wait for it to exit`,
      );
    throw error;
  });
  let handedOver = false;
  try {
    const run = await findRun(database.db, String(values.run));
    if (!run) throw new UsageError(`no run ${values.run} in ${database.location}`);
    const repair = values.config
      ? { ...(await loadConfig(String(values.config))).config, stateDir: cliConfig.stateDir }
      : undefined;
    if (repair) await checkInputs(repair);
    const outcome = await act({ values, database, run, repair, cliConfig });
    if (typeof outcome === 'number') return outcome;
    const runConfig = { ...runConfigOf(outcome.run), stateDir: cliConfig.stateDir };
    const out = new Reporter(Boolean(values.json));
    quietRuntime();
    handedOver = true;
    const session = await openSession(runConfig, database);
    try {
      const temporal = await connect(runConfig, (m) => out.info(m));
      try {
        return await follow({
          session,
          temporal,
          run: outcome.run,
          out,
          json: Boolean(values.json),
          detach: Boolean(values.detach),
          resume: outcome.resume,
        });
      } finally {
        await temporal.close();
      }
    } finally {
      await session.close();
    }
  } finally {
    if (!handedOver) await database.close();
  }
}

async function reread(database: DatabaseHandle, id: string): Promise<RunRow> {
  const run = await findRun(database.db, id);
  if (!run) throw new Error(`run ${id} vanished`);
  return run;
}

async function isRunning(config: Config, runId: string): Promise<boolean> {
  return withTemporal(config, async ({ client }) => {
    try {
      return (
        (await client.workflow.getHandle(runWorkflowId(runId)).describe()).status.name === 'RUNNING'
      );
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  });
}

export async function resumeCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { ...RUN, ...FOLLOW });
  const { config } = await commandConfig(values);
  const database = await databaseIfFree(config);
  if (database) await database.close();
  else {
    // The run's own process holds the database and runs the run: just tell the run.
    if (values.config)
      throw new UsageError(
        "a run's config is repaired while no process runs it: stop that process (Ctrl-C), then resume with --config",
      );
    return withTemporal(config, async ({ client }) => {
      const runId = await runIdOf(config, values.run, client);
      const handle = client.workflow.getHandle(runWorkflowId(runId));
      const status = await within(client, ANSWER_MS, () =>
        handle.executeUpdate(resumeUpdate, { args: [{}] }),
      ).catch((error) => {
        if (error instanceof WorkflowUpdateFailedError)
          throw new UsageError(`refused: ${error.cause?.message ?? error.message}`);
        throw error;
      });
      console.log(`run ${runId}: resumed (round ${status.round})`);
      return 0;
    });
  }
  return operate(argv, {}, async ({ database, run, repair }) => {
    if (run.status === 'completed')
      throw new UsageError(`run ${run.id} is completed: nothing to resume`);
    if (repair) {
      const changes = checkConfigChanges(runConfigOf(run), repair);
      const revision = await reviseRunConfig(database.db, {
        runId: run.id,
        fromRound: Math.max(1, run.currentRound),
        command: 'resume',
        changes,
        config: repair,
      });
      if (revision)
        console.error(
          `run ${run.id}: config revision ${revision}: ${changes.map((c) => c.field).join(', ')}`,
        );
    }
    const live = await isRunning(runConfigOf(run), run.id);
    return { run: await reread(database, run.id), resume: live };
  });
}

export function replayCommand(argv: string[]): Promise<number> {
  return operate(
    argv,
    { round: { type: 'string' }, from: { type: 'string' } },
    async ({ values, database, run, repair }) => {
      if (values.round === undefined || values.from === undefined)
        throw new UsageError('replay needs --round N and --from STAGE');
      const round = wholeNumber('--round', String(values.round));
      const from = String(values.from) as Stage;
      if (!STAGES.includes(from))
        throw new UsageError(`--from must be one of ${STAGES.join(', ')}`);
      const [started] = await database.db
        .select()
        .from(rounds)
        .where(and(eq(rounds.runId, run.id), eq(rounds.round, round)));
      if (!started || round < 1)
        throw new UsageError(`run ${run.id} has not reached round ${round}`);
      if (await isRunning(runConfigOf(run), run.id))
        throw new UsageError(
          `run ${run.id} is running: \`socratic stop --run ${run.id}\` (or cancel) it first`,
        );
      const config = repair ?? runConfigOf(run);
      const changes = checkConfigChanges(runConfigOf(run), config, from);
      const replay = await supersedeFrom(database.db, { runId: run.id, round, from });
      await reviseRunConfig(database.db, {
        runId: run.id,
        fromRound: round,
        command: 'replay',
        changes,
        config,
      });
      console.error(
        `run ${run.id}: replay ${replay} of round ${round} from ${from}; what ${from} and later stages wrote is superseded (kept in superseded_rows)${changes.length ? `; config changes: ${changes.map((c) => c.field).join(', ')}` : ''}`,
      );
      return { run: await reread(database, run.id) };
    },
  );
}

export function branchCommand(argv: string[]): Promise<number> {
  return operate(
    argv,
    { 'after-round': { type: 'string' }, seed: { type: 'string' }, rounds: { type: 'string' } },
    async ({ values, database, run, repair, cliConfig }) => {
      if (values['after-round'] === undefined) throw new UsageError('branch needs --after-round N');
      const afterRound = wholeNumber('--after-round', String(values['after-round']));
      const done = await database.db
        .select({ round: rounds.round })
        .from(rounds)
        .where(and(eq(rounds.runId, run.id), eq(rounds.status, 'completed')))
        .orderBy(asc(rounds.round));
      if (afterRound < 1 || done.length < afterRound || done[afterRound - 1]?.round !== afterRound)
        throw new UsageError(`run ${run.id} has not completed round ${afterRound}`);
      const parentConfig = runConfigOf(run);
      const config: Config = { ...(repair ?? parentConfig), stateDir: cliConfig.stateDir };
      if (values.seed !== undefined) config.seed = wholeNumber('--seed', String(values.seed));
      if (values.rounds !== undefined)
        config.rounds = wholeNumber('--rounds', String(values.rounds));
      if (config.rounds <= afterRound)
        throw new UsageError(
          `the branch has ${config.rounds} rounds: nothing after round ${afterRound} (give --rounds)`,
        );
      // A branch is a new run: any field may change; the changes are its first revision.
      const changes = configChanges(parentConfig, config);
      const branch = await createRun(database.db, config);
      await copyRunRecords(database.db, { parentId: run.id, branchId: branch.id, afterRound });
      await reviseRunConfig(database.db, {
        runId: branch.id,
        fromRound: afterRound + 1,
        command: 'branch',
        changes,
        config,
      });
      console.error(
        `run ${branch.id}: branch of ${run.id} after round ${afterRound}${changes.length ? `; changed: ${changes.map((c) => c.field).join(', ')}` : ''}`,
      );
      return { run: await reread(database, branch.id) };
    },
  );
}

export const CONTROL_USAGE = `  runs    [--json]                    every run: status, round, stage, age, lineage
  pause | stop | cancel [--run ID|latest]   pause at the next stage boundary, end after the current stage, or cancel now
  resume  [--run ID|latest] [--config FILE] [--detach] [--json]   resume a paused, stopped or failed run (--config repairs it)
  replay  --run ID --round N --from ${STAGES.join('|')} [--config FILE] [--detach] [--json]
  branch  --run ID --after-round N [--config FILE] [--seed N] [--rounds N] [--detach] [--json]`;
