// `socratic schedule …`: the nightly curriculum refresh of a run (SPEC §4) on a Temporal
// Schedule, one per run. Its refreshes run on the run's task queue, hosted by
// `socratic worker` (or by `schedule trigger --wait` until the triggered refresh ends).
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Client,
  ScheduleAlreadyRunning,
  type ScheduleHandle,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  WorkflowNotFoundError,
} from '@temporalio/client';
import type { Config } from '../config/schema';
import { resourceQueuesOf } from '../workers/queues';
import { createWorkers, quietRuntime } from '../workers/worker';
import { refreshScheduleId } from '../workflows/ids';
import { type RefreshInput, type RefreshOutcome, refreshWorkflow } from '../workflows/refresh';
import { commandConfig, parseCommand, UsageError } from './options';
import { findRun, runConfigOf } from './runs';
import { connect, openDatabaseFor, openSession } from './session';

export const SCHEDULE_USAGE = `schedule create --run ID (--cron "0 2 * * *" [--timezone Europe/Paris] | --every 1m) [--count N] [--band 0.2,0.8]
          schedule list | describe | pause | unpause | delete | trigger [--wait]   (each --run ID)`;

/** A missed night is caught up once at most: a server down for a week runs one refresh, not seven. */
const CATCHUP_WINDOW = '12 hours';

export async function scheduleCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const { values } = parseCommand(rest, {
    run: { type: 'string' },
    cron: { type: 'string' },
    every: { type: 'string' },
    timezone: { type: 'string' },
    count: { type: 'string' },
    band: { type: 'string' },
    note: { type: 'string' },
    wait: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  const actions = ['create', 'list', 'describe', 'pause', 'unpause', 'delete', 'trigger'];
  if (!action || !actions.includes(action))
    throw new UsageError(`usage: socratic ${SCHEDULE_USAGE}`);
  if (action !== 'list' && !values.run) throw new UsageError(`schedule ${action} needs --run ID`);
  const { config } = await commandConfig(values);
  // The run, and its own config (task queue, batch settings), from the database.
  const run = values.run ? await runAndConfig(config, values.run) : undefined;
  quietRuntime();
  const temporal = await connect(config, () => {});
  try {
    const client = temporal.client;
    const handle = run ? client.schedule.getHandle(refreshScheduleId(run.id)) : undefined;
    const print = (value: unknown, text: string) =>
      console.log(values.json ? JSON.stringify(value) : text);
    switch (action) {
      case 'create': {
        const input = refreshInput(run!.id, run!.config, values);
        const spec = scheduleSpec(values);
        const scheduleId = refreshScheduleId(run!.id);
        const band = input.band ?? run!.config.refresh.band;
        const count = input.count ?? run!.config.refresh.count;
        const when = values.cron
          ? `cron "${values.cron}"${values.timezone ? ` (${values.timezone})` : ''}`
          : `every ${values.every}`;
        const memo = {
          runId: run!.id,
          description: `Socratic-Zero curriculum refresh of run ${run!.id}: ${count} problems from recent failures, kept when the Solver's success rate is in [${band.join(', ')}], ${when}`,
        };
        try {
          await client.schedule.create({
            scheduleId,
            spec,
            action: {
              type: 'startWorkflow',
              workflowType: refreshWorkflow,
              workflowId: scheduleId,
              taskQueue: run!.config.temporal.taskQueue,
              args: [input],
            },
            policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: CATCHUP_WINDOW },
            memo,
            state: { note: memo.description },
          });
        } catch (error) {
          if (error instanceof ScheduleAlreadyRunning)
            throw new UsageError(
              `run ${run!.id} has a refresh schedule already (${scheduleId}); delete it first`,
            );
          throw error;
        }
        print(
          { scheduleId, ...memo },
          `created schedule ${scheduleId}: ${memo.description}\nrefreshes need a worker: \`socratic worker\` (see README)`,
        );
        return 0;
      }
      case 'list': {
        const found = [];
        for await (const s of client.schedule.list()) {
          if (!s.scheduleId.startsWith(refreshScheduleId(''))) continue;
          if (run && s.scheduleId !== refreshScheduleId(run.id)) continue;
          found.push({
            scheduleId: s.scheduleId,
            runId: s.memo?.runId,
            paused: s.state.paused,
            note: s.state.note,
            nextActionTimes: s.info.nextActionTimes,
          });
        }
        print(
          found,
          found.length === 0
            ? 'no refresh schedules'
            : found
                .map(
                  (s) =>
                    `${s.scheduleId}  run ${s.runId}  ${s.paused ? 'paused' : 'active'}  next ${s.nextActionTimes[0]?.toISOString() ?? '—'}`,
                )
                .join('\n'),
        );
        return 0;
      }
      case 'describe': {
        const d = await described(handle!, run!.id);
        const out = {
          scheduleId: d.scheduleId,
          memo: d.memo,
          paused: d.state.paused,
          note: d.state.note,
          spec: d.spec,
          overlap: d.policies.overlap,
          catchupWindowMs: d.policies.catchupWindow,
          nextActionTimes: d.info.nextActionTimes,
          actionsTaken: d.info.numActionsTaken,
          skippedOverlap: d.info.numActionsSkippedOverlap,
          running: d.info.runningActions.map((a) => a.workflow.workflowId),
          recent: d.info.recentActions.map((a) => ({
            workflowId: a.action.workflow.workflowId,
            takenAt: a.takenAt,
          })),
        };
        print(
          out,
          [
            `${out.scheduleId}: ${out.paused ? 'paused' : 'active'}${out.note ? ` (${out.note})` : ''}`,
            `  ${String(d.memo?.description ?? '')}`,
            `  overlap ${out.overlap}, catch-up window ${CATCHUP_WINDOW}`,
            `  next: ${out.nextActionTimes.map((t) => t.toISOString()).join(', ') || '—'}`,
            `  taken ${out.actionsTaken}, skipped (overlap) ${out.skippedOverlap}, running ${out.running.join(', ') || '—'}`,
            ...out.recent.map((r) => `  recent: ${r.workflowId} at ${r.takenAt.toISOString()}`),
          ].join('\n'),
        );
        return 0;
      }
      case 'pause':
      case 'unpause': {
        await described(handle!, run!.id);
        if (action === 'pause')
          await handle!.pause(values.note ?? 'paused by socratic schedule pause');
        else await handle!.unpause(values.note ?? 'unpaused by socratic schedule unpause');
        print(
          { scheduleId: handle!.scheduleId, paused: action === 'pause' },
          `${action}d ${handle!.scheduleId}`,
        );
        return 0;
      }
      case 'delete': {
        const d = await described(handle!, run!.id);
        await handle!.delete();
        // A refresh it started and no worker has finished would run later: stop it too.
        for (const running of d.info.runningActions)
          await client.workflow
            .getHandle(running.workflow.workflowId)
            .terminate('its refresh schedule was deleted')
            .catch((error) => {
              if (!(error instanceof WorkflowNotFoundError)) throw error;
            });
        print(
          { scheduleId: handle!.scheduleId, deleted: true, stopped: d.info.runningActions.length },
          `deleted ${handle!.scheduleId}${d.info.runningActions.length ? ` and stopped its running refresh` : ''}`,
        );
        return 0;
      }
      case 'trigger': {
        await described(handle!, run!.id);
        if (!values.wait) {
          await handle!.trigger(ScheduleOverlapPolicy.SKIP);
          print(
            { scheduleId: handle!.scheduleId, triggered: true },
            `triggered ${handle!.scheduleId} (skipped if a refresh of the run is running); a worker runs it`,
          );
          return 0;
        }
        const outcome = await triggerAndHost(client, handle!, config, run!.config, temporal);
        print(
          outcome,
          outcome.skipped
            ? `refresh ${outcome.refreshId} skipped: ${outcome.skipped}`
            : `refresh ${outcome.refreshId}: ${Object.entries(outcome.counts)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ')}`,
        );
        return 0;
      }
    }
    return 2;
  } finally {
    await temporal.close();
  }
}

async function runAndConfig(config: Config, id: string) {
  const database = await openDatabaseFor(config, { thread: false });
  try {
    const run = await findRun(database.db, id);
    if (!run) throw new UsageError(`no run ${id} in ${database.location}`);
    return { id: run.id, config: runConfigOf(run) };
  } finally {
    await database.close();
  }
}

async function described(handle: ScheduleHandle, runId: string) {
  try {
    return await handle.describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError)
      throw new UsageError(
        `run ${runId} has no refresh schedule (create one with schedule create)`,
      );
    throw error;
  }
}

function refreshInput(
  runId: string,
  config: Config,
  values: { count?: string; band?: string },
): RefreshInput {
  let count: number | undefined;
  if (values.count !== undefined) {
    count = Number(values.count);
    if (!Number.isInteger(count) || count < 1)
      throw new UsageError(`--count expects a whole number >= 1, got "${values.count}"`);
  }
  let band: [number, number] | undefined;
  if (values.band !== undefined) {
    const parts = values.band.split(',').map(Number);
    const [low, high] = parts;
    if (parts.length !== 2 || !(low! >= 0 && low! <= high! && high! <= 1))
      throw new UsageError(
        `--band expects LOW,HIGH with 0 <= LOW <= HIGH <= 1, got "${values.band}"`,
      );
    band = [low!, high!];
  }
  return {
    runId,
    ...(count === undefined ? {} : { count }),
    ...(band === undefined ? {} : { band }),
    parallelBatches: config.temporal.parallelBatches,
    heartbeatTimeoutSeconds: config.temporal.heartbeatTimeoutSeconds,
    taskQueues: resourceQueuesOf(config.temporal),
  };
}

function scheduleSpec(values: { cron?: string; every?: string; timezone?: string }) {
  if (Boolean(values.cron) === Boolean(values.every))
    throw new UsageError('schedule create needs exactly one of --cron "0 2 * * *" or --every 1m');
  if (values.every) {
    if (!/^\d+[smhd]$/.test(values.every))
      throw new UsageError(
        `--every expects a duration like 30s, 1m, 6h or 1d, got "${values.every}"`,
      );
    if (values.timezone) throw new UsageError('--timezone goes with --cron');
    return { intervals: [{ every: values.every as `${number}m` }] };
  }
  return { cronExpressions: [values.cron!], timezone: values.timezone };
}

/**
 * Triggers a refresh (SKIP: none starts while one of the run is running) and hosts a worker
 * until the refresh it started, or the running one that made it skip, has ended.
 */
async function triggerAndHost(
  client: Client,
  handle: ScheduleHandle,
  config: Config,
  runConfig: Config,
  temporal: Awaited<ReturnType<typeof connect>>,
): Promise<RefreshOutcome> {
  const session = await openSession(config);
  try {
    const workers = await createWorkers({
      target: temporal,
      temporal: runConfig.temporal,
      deps: session.deps,
    });
    const working = workers.run();
    try {
      const before = await handle.describe();
      const seen = new Set(before.info.recentActions.map((a) => a.action.workflow.workflowId));
      // A refresh the schedule started itself may be running now and make this trigger skip;
      // it can also end before the skip shows, so it is remembered here.
      const runningBefore = before.info.runningActions[0]?.workflow.workflowId;
      await handle.trigger(ScheduleOverlapPolicy.SKIP);
      let workflowId: string | undefined;
      for (let tries = 0; !workflowId; tries++) {
        const now = await handle.describe();
        workflowId =
          now.info.recentActions.find((a) => !seen.has(a.action.workflow.workflowId))?.action
            .workflow.workflowId ??
          // Skipped for overlap after a while: the running refresh is the one to host.
          (tries >= 8
            ? (now.info.runningActions[0]?.workflow.workflowId ?? runningBefore)
            : undefined);
        if (!workflowId && tries > 40)
          throw new Error(`the schedule ${handle.scheduleId} started no refresh`);
        if (!workflowId) await sleep(250);
      }
      const result = client.workflow.getHandle<typeof refreshWorkflow>(workflowId).result();
      return await Promise.race([
        result,
        working.then(() => Promise.reject(new Error('the worker stopped'))),
      ]);
    } finally {
      workers.shutdown();
      await working.catch(() => {});
    }
  } finally {
    await session.close();
  }
}
