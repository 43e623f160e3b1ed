// A run: its rounds one after another, each a child workflow, continuing as new
// between rounds so the history stays small however many rounds there are.
import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  executeChild,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { roundWorkflowId } from './ids';
import { type RoundSettings, roundWorkflow } from './round';

export interface RunInput {
  runId: string;
  rounds: number;
  /** The round this execution runs (continue-as-new advances it). */
  round: number;
  settings: RoundSettings;
}

export interface RunStatus {
  runId: string;
  round: number;
  rounds: number;
  paused: boolean;
}

export const statusQuery = defineQuery<RunStatus>('status');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');

const { finishRun } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute' });

export async function runWorkflow(input: RunInput): Promise<void> {
  let paused = false;
  setHandler(pauseSignal, () => {
    paused = true;
  });
  setHandler(resumeSignal, () => {
    paused = false;
  });
  setHandler(statusQuery, () => ({
    runId: input.runId,
    round: input.round,
    rounds: input.rounds,
    paused,
  }));

  if (input.round <= input.rounds) {
    await condition(() => !paused); // a pause takes effect between rounds
    await executeChild(roundWorkflow, {
      workflowId: roundWorkflowId(input.runId, input.round),
      args: [{ runId: input.runId, round: input.round, settings: input.settings }],
    });
    if (input.round < input.rounds)
      await continueAsNew<typeof runWorkflow>({ ...input, round: input.round + 1 });
  }
  await finishRun({ runId: input.runId });
}
