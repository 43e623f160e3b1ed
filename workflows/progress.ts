// What a round exposes to `socratic run`/`status` through a query: each stage's
// state and counts. Lives in workflow memory, so it costs no history events.
import { defineQuery, defineSignal } from '@temporalio/workflow';

export interface StageProgress {
  stage: string;
  status: 'running' | 'completed';
  done: number;
  total: number;
  detail?: Record<string, unknown>;
}

export const progressQuery = defineQuery<StageProgress[]>('progress');

export class Progress {
  readonly stages: StageProgress[] = [];

  start(stage: string, total: number): StageProgress {
    const entry: StageProgress = { stage, status: 'running', done: 0, total };
    this.stages.push(entry);
    return entry;
  }
}

/** What an operator asked of a run; the run hands it to its round, which acts at a stage boundary. */
export interface RunControl {
  paused: boolean;
  stopping: boolean;
}

export const controlSignal = defineSignal<[RunControl]>('control');
