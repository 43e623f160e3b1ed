// A run: its rounds one after another, each a child workflow, continuing as new
// between rounds so the history stays small however many rounds there are.
//
// Operators steer it with Updates (`socratic pause|resume|stop`): the run keeps the
// control state, hands it to the running round (which acts on it at its next stage
// boundary) and carries it into the next execution at continue-as-new.
import {
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { roundWorkflowId } from './ids';
import { controlSignal, type RunControl } from './progress';
import { type RoundSettings, roundWorkflow } from './round';

export interface RunInput {
  runId: string;
  rounds: number;
  /** The round this execution runs (continue-as-new advances it). */
  round: number;
  settings: RoundSettings;
  /** Pause/stop requests, carried across continue-as-new. */
  control?: RunControl;
}

export interface RunStatus {
  runId: string;
  round: number;
  rounds: number;
  paused: boolean;
  stopping: boolean;
}

export const statusQuery = defineQuery<RunStatus>('status');
/** Unacknowledged pause and resume, for when no worker runs the run (version 1: between rounds only). */
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
/** Acknowledged controls: each returns the run's status once the run holds the request. */
export const pauseUpdate = defineUpdate<RunStatus>('pause');
/** `settings`, when given, apply from the next round (a repaired config's timeouts, say). */
export const resumeUpdate = defineUpdate<RunStatus, [{ settings?: RoundSettings }]>('resume');
export const stopUpdate = defineUpdate<RunStatus>('stop');

/** Version 2: control reaches the running round, and the run's end is recorded with its reason. */
export const CONTROL_PATCH = 'run-control';

const { finishRun, setRunStatus } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
});

export async function runWorkflow(input: RunInput): Promise<void> {
  const control: RunControl = { paused: false, stopping: false, ...input.control };
  let finishing = false;
  const status = (): RunStatus => ({
    runId: input.runId,
    round: input.round,
    rounds: input.rounds,
    ...control,
  });
  const controlled = patched(CONTROL_PATCH);
  /** Tells the running round (it may not run now: then there is nothing to tell). */
  const tellRound = async () => {
    if (!controlled) return;
    await getExternalWorkflowHandle(roundWorkflowId(input.runId, input.round))
      .signal(controlSignal, { ...control })
      .catch(() => {});
  };
  const refuseWhenOver =
    (what: string) =>
    (..._args: unknown[]) => {
      if (finishing)
        throw new Error(`run ${input.runId} has finished its last round: nothing to ${what}`);
      if (control.stopping) throw new Error(`run ${input.runId} is stopping`);
    };
  // Signals: controls sent while no worker runs the run (they wait in its history).
  setHandler(pauseSignal, async () => {
    control.paused = true;
    await tellRound();
  });
  setHandler(resumeSignal, async () => {
    control.paused = false;
    await tellRound();
  });
  setHandler(statusQuery, status);
  setHandler(
    pauseUpdate,
    async () => {
      control.paused = true;
      await tellRound();
      return status();
    },
    { validator: refuseWhenOver('pause') },
  );
  setHandler(
    resumeUpdate,
    async (change) => {
      control.paused = false;
      if (change.settings) input.settings = change.settings;
      await tellRound();
      return status();
    },
    { validator: refuseWhenOver('resume') },
  );
  setHandler(
    stopUpdate,
    async () => {
      control.stopping = true;
      await tellRound();
      return status();
    },
    { validator: refuseWhenOver('stop') },
  );

  if (!controlled) return runV1(input, () => control.paused);
  const end = (result: Parameters<typeof finishRun>[0]) =>
    CancellationScope.nonCancellable(() => finishRun(result));

  if (input.round <= input.rounds) {
    // Between rounds a pause holds here (a round holds at its own stage boundaries).
    if (control.paused && !control.stopping) {
      await setRunStatus({ runId: input.runId, status: 'paused' });
      await condition(() => !control.paused || control.stopping);
      if (!control.stopping) await setRunStatus({ runId: input.runId, status: 'running' });
    }
    if (control.stopping) return end({ runId: input.runId, status: 'stopped' });
    let summary: Awaited<ReturnType<typeof roundWorkflow>>;
    try {
      summary = await executeChild(roundWorkflow, {
        workflowId: roundWorkflowId(input.runId, input.round),
        args: [
          {
            runId: input.runId,
            round: input.round,
            settings: input.settings,
            control: { ...control },
          },
        ],
      });
    } catch (error) {
      if (isCancellation(error)) {
        await end({ runId: input.runId, status: 'cancelled' });
      } else {
        await end({ runId: input.runId, status: 'failed', error: reason(error) });
      }
      throw error;
    }
    if (summary === null || control.stopping) return end({ runId: input.runId, status: 'stopped' });
    if (input.round < input.rounds)
      await continueAsNew<typeof runWorkflow>({ ...input, round: input.round + 1, control });
  }
  finishing = true;
  await end({ runId: input.runId, status: 'completed' });
}

/** Version 1, unchanged, for executions that started on it. */
async function runV1(input: RunInput, paused: () => boolean): Promise<void> {
  if (input.round <= input.rounds) {
    await condition(() => !paused());
    await executeChild(roundWorkflow, {
      workflowId: roundWorkflowId(input.runId, input.round),
      args: [{ runId: input.runId, round: input.round, settings: input.settings }],
    });
    if (input.round < input.rounds)
      await continueAsNew<typeof runWorkflow>({ ...input, round: input.round + 1 });
  }
  await finishRun({ runId: input.runId });
}

/** The innermost cause of a failed round: the message a user can act on. */
function reason(error: unknown): string {
  let cause = error as Error;
  while (cause.cause instanceof Error) cause = cause.cause;
  return cause.message.slice(0, 2000);
}
