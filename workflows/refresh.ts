// SPEC §4, the nightly curriculum refresh, started by a Temporal Schedule (cli/schedule.ts):
// write, admit, probe, keep. Deterministic: every effect is an activity, keyed by the
// refresh id (this execution's workflow id), so a crashed refresh resumes where it was.
import { proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { Progress, progressQuery } from './progress';
import type { TaskQueues } from './round';

export interface RefreshInput {
  runId: string;
  /** Overrides of the run's refresh.count and refresh.band. */
  count?: number;
  band?: [number, number];
  parallelBatches: number;
  heartbeatTimeoutSeconds: number;
  /** Per-resource task queues (`temporal.taskQueues`); unset (older schedules): the refresh's own. */
  taskQueues?: TaskQueues;
}

export interface RefreshOutcome {
  refreshId: string;
  skipped?: string;
  counts: Record<string, number>;
}

export async function refreshWorkflow(input: RefreshInput): Promise<RefreshOutcome> {
  const { runId } = input;
  const refreshId = workflowInfo().workflowId;
  const progress = new Progress();
  setHandler(progressQuery, () => progress.stages);
  const options = {
    startToCloseTimeout: '2 hours',
    heartbeatTimeout: `${input.heartbeatTimeoutSeconds} seconds`,
    retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 20 },
  } as const;
  // Bookkeeping and admission: CPU and database work.
  const work = proxyActivities<Activities>({ ...options, taskQueue: input.taskQueues?.cpu });
  // Writing and probing wait on LLM endpoints.
  const llm = proxyActivities<Activities>({ ...options, taskQueue: input.taskQueues?.llm });

  async function stage<T>(name: string, total: number, run: (batch: number) => Promise<T>) {
    const entry = progress.start(name, total);
    let next = 0;
    const lane = async () => {
      for (let batch = next++; batch < total; batch = next++) {
        await run(batch);
        entry.done++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(input.parallelBatches, total) }, lane));
    entry.status = 'completed';
  }

  const plan = await work.beginRefresh({
    runId,
    refreshId,
    count: input.count,
    band: input.band,
  });
  if (plan.skipped) return { refreshId, skipped: plan.reason, counts: {} };
  const ref = { runId, refreshId };
  // The Generator (the Teacher while none is trained) writes from recent failures.
  await stage('write', plan.batches, (batch) => llm.refreshWriteBatch({ ...ref, batch }));
  // Step 9's checks.
  await stage('admit', 1, () => work.refreshAdmit(ref));
  // The current Solver probes; those inside the band join the curriculum.
  await stage('probe', plan.batches, (batch) => llm.refreshProbeBatch({ ...ref, batch }));
  return { ...(await work.finishRefresh(ref)) };
}
