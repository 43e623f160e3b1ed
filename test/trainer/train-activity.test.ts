// The key misbehaving trainers through a real Temporal worker: retries resume
// from the checkpoint, a silent trainer trips the heartbeat timeout, fatal exit
// codes are not retried, and cancellation leaves no process behind.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  TimeoutFailure,
  WorkflowFailedError,
} from '@temporalio/client';
import { TimeoutType } from '@temporalio/common';
import { isProcessAlive, type TrainActivityInput } from '../../activities/trainer';
import type { TrainWorkflowInput } from '../fixtures/train-workflow';
import { fakeTrainer, freshManifest, launcherPids, trainerRuns } from './fake-trainers';
import { connectTemporal, logEntries, type TemporalEnv } from './temporal-env';

let env: TemporalEnv;
before(async () => {
  env = await connectTemporal();
});
after(async () => {
  await env?.close();
});

async function runWorkflow(input: TrainWorkflowInput) {
  return env.withWorker((taskQueue) =>
    env.client.workflow.execute('trainWorkflow', {
      taskQueue,
      workflowId: `train-${randomUUID()}`,
      args: [input],
    }),
  );
}

/** The failure behind a failed workflow's activity (ApplicationFailure, TimeoutFailure…). */
function activityCause(err: unknown): unknown {
  assert.ok(err instanceof WorkflowFailedError, `expected WorkflowFailedError, got ${String(err)}`);
  assert.ok(
    err.cause instanceof ActivityFailure,
    `expected ActivityFailure, got ${String(err.cause)}`,
  );
  return err.cause.cause;
}

async function eventually(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

async function activityInput(
  trainer: string,
  hyperparameters: Record<string, number | boolean> = {},
  extra: Partial<TrainActivityInput> = {},
): Promise<TrainActivityInput> {
  return {
    command: fakeTrainer(trainer),
    manifest: await freshManifest(hyperparameters),
    gracePeriodMs: 500,
    ...extra,
  };
}

describe('trainActivity on a Temporal worker', () => {
  it('retries a crashed trainer, which resumes from its checkpoint', async () => {
    const activity = await activityInput('crash-then-resume', { steps: 6 });
    const result = await runWorkflow({ activity, heartbeatTimeoutMs: 10_000, maximumAttempts: 3 });
    assert.equal(result.steps, 6);
    const runs = await trainerRuns(activity.manifest.outputDir);
    assert.deepEqual(
      runs.map((r) => r.startStep),
      [0, 3],
    );
    assert.ok(existsSync(join(activity.manifest.outputDir, 'manifest.json')));
    const resumed = logEntries.find(
      (e) =>
        e.message === 'resuming trainer' &&
        e.meta?.runId === activity.manifest.runId &&
        e.meta?.attempt === 2,
    );
    assert.ok(resumed, 'the second attempt logs that it resumes');
    assert.deepEqual(resumed.meta?.previousHeartbeat, {
      step: 3,
      totalSteps: 6,
      checkpoint: join(activity.manifest.outputDir, 'checkpoint.json'),
    });
  });

  it('the trainer does not see the variables withheld from it (secrets)', async () => {
    process.env.SOCRATIC_TEST_API_KEY = 'not-for-the-trainer';
    try {
      const activity = {
        ...(await activityInput('records-env', { steps: 1 })),
        withholdEnv: ['SOCRATIC_TEST_API_KEY'],
      };
      await runWorkflow({ activity, heartbeatTimeoutMs: 10_000, maximumAttempts: 1 });
      const [run] = await trainerRuns(activity.manifest.outputDir);
      const seen = run?.env as string[];
      assert.ok(seen.includes('PATH'));
      assert.ok(!seen.includes('SOCRATIC_TEST_API_KEY'));
    } finally {
      delete process.env.SOCRATIC_TEST_API_KEY;
    }
  });

  it('retries exit 75 and succeeds', async () => {
    const activity = await activityInput('exit-75-once', { steps: 2 });
    const result = await runWorkflow({ activity, heartbeatTimeoutMs: 10_000, maximumAttempts: 3 });
    assert.equal(result.steps, 2);
    assert.equal((await trainerRuns(activity.manifest.outputDir)).length, 2);
  });

  it('does not retry exit 78 (bad config)', async () => {
    const activity = await activityInput('exit-code', { exitCode: 78 });
    await assert.rejects(
      runWorkflow({ activity, heartbeatTimeoutMs: 10_000, maximumAttempts: 5 }),
      (err) => {
        const cause = activityCause(err);
        assert.ok(cause instanceof ApplicationFailure, `got ${String(cause)}`);
        assert.equal(cause.type, 'TrainerBadConfig');
        assert.equal(cause.nonRetryable, true);
        assert.match(cause.message, /exited with code 78/);
        assert.match(cause.message, /simulated failure with exit code 78/);
        return true;
      },
    );
    assert.equal((await trainerRuns(activity.manifest.outputDir)).length, 1);
  });

  it('does not retry exit 65 (bad data)', async () => {
    const activity = await activityInput('exit-code', { exitCode: 65 });
    await assert.rejects(
      runWorkflow({ activity, heartbeatTimeoutMs: 10_000, maximumAttempts: 5 }),
      (err) => {
        const cause = activityCause(err);
        assert.ok(cause instanceof ApplicationFailure);
        assert.equal(cause.type, 'TrainerBadData');
        return true;
      },
    );
    assert.equal((await trainerRuns(activity.manifest.outputDir)).length, 1);
  });

  it('rejects an invalid manifest without starting the trainer or retrying', async () => {
    const activity = await activityInput('good');
    const bad = {
      ...activity,
      manifest: { ...activity.manifest, kind: 'ppo' },
    } as unknown as TrainActivityInput;
    await assert.rejects(
      runWorkflow({ activity: bad, heartbeatTimeoutMs: 10_000, maximumAttempts: 5 }),
      (err) => {
        const cause = activityCause(err);
        assert.ok(cause instanceof ApplicationFailure);
        assert.equal(cause.type, 'TrainerBadConfig');
        assert.match(cause.message, /invalid trainer manifest/);
        return true;
      },
    );
    assert.deepEqual(await trainerRuns(activity.manifest.outputDir), []);
  });

  it('a silent trainer trips the heartbeat timeout; the retry succeeds', async () => {
    const activity = await activityInput('hang', { hangRuns: 1, steps: 2 });
    const result = await runWorkflow({ activity, heartbeatTimeoutMs: 2000, maximumAttempts: 3 });
    assert.equal(result.steps, 2);
    const runs = await trainerRuns(activity.manifest.outputDir);
    assert.deepEqual(
      runs.map((r) => r.hang),
      [true, false],
    );
    assert.equal(isProcessAlive(runs[0]?.pid as number), false, 'the hung trainer was killed');
  });

  it('a trainer loading for longer than the heartbeat timeout, while saying so, is not stalled', async () => {
    const activity = await activityInput(
      'phases',
      { loadMs: 3000, tickMs: 300, steps: 2 },
      { phaseTimeoutSeconds: { 'loading-model': 30, training: 30 } },
    );
    const result = await runWorkflow({ activity, heartbeatTimeoutMs: 1000, maximumAttempts: 1 });
    assert.equal(result.steps, 2);
    assert.equal((await trainerRuns(activity.manifest.outputDir)).length, 1);
  });

  it('a trainer that names its phase and then goes silent is still killed', async () => {
    const activity = await activityInput('phases', { loadMs: 60_000, tickMs: 0 });
    await assert.rejects(
      runWorkflow({ activity, heartbeatTimeoutMs: 1000, maximumAttempts: 1 }),
      (err) => {
        const cause = activityCause(err);
        const heartbeatTimeout =
          cause instanceof TimeoutFailure && cause.timeoutType === TimeoutType.HEARTBEAT;
        const stalled = cause instanceof ApplicationFailure && cause.type === 'TrainerStalled';
        assert.ok(heartbeatTimeout || stalled, `got ${String(cause)}`);
        return true;
      },
    );
    const runs = await trainerRuns(activity.manifest.outputDir);
    const gone = await eventually(() => runs.every((r) => !isProcessAlive(r.pid as number)));
    assert.ok(gone, 'the silent trainer was killed');
  });

  it('a trainer stuck in one phase while its ticker runs is killed at the phase timeout', async () => {
    const activity = await activityInput(
      'phases',
      { loadMs: 60_000, tickMs: 200 },
      { phaseTimeoutSeconds: { 'loading-model': 2 } },
    );
    const started = Date.now();
    await assert.rejects(
      runWorkflow({ activity, heartbeatTimeoutMs: 1000, maximumAttempts: 1 }),
      (err) => {
        const cause = activityCause(err);
        assert.ok(cause instanceof ApplicationFailure, `got ${String(cause)}`);
        assert.equal(cause.type, 'TrainerStalled');
        assert.match(cause.message, /phase loading-model/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 30_000);
    const runs = await trainerRuns(activity.manifest.outputDir);
    const gone = await eventually(() => runs.every((r) => !isProcessAlive(r.pid as number)));
    assert.ok(gone, 'the stuck trainer was killed');
  });

  it('a trainer that always hangs fails once the attempts are used up', async () => {
    const activity = await activityInput('hang');
    await assert.rejects(
      runWorkflow({ activity, heartbeatTimeoutMs: 1000, maximumAttempts: 2 }),
      (err) => {
        const cause = activityCause(err);
        const heartbeatTimeout =
          cause instanceof TimeoutFailure && cause.timeoutType === TimeoutType.HEARTBEAT;
        const stalled = cause instanceof ApplicationFailure && cause.type === 'TrainerStalled';
        assert.ok(heartbeatTimeout || stalled, `got ${String(cause)}`);
        return true;
      },
    );
    const runs = await trainerRuns(activity.manifest.outputDir);
    assert.equal(runs.length, 2);
    const gone = await eventually(() => runs.every((r) => !isProcessAlive(r.pid as number)));
    assert.ok(gone, 'no hung trainer is left running');
  });

  it('cancellation kills the whole process group before the workflow ends', async () => {
    const activity = await activityInput('spawn-children', { workers: 2, stepMs: 50 });
    const pidsFile = join(activity.manifest.outputDir, 'pids.json');
    await env.withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('trainWorkflow', {
        taskQueue,
        workflowId: `train-${randomUUID()}`,
        args: [
          { activity, heartbeatTimeoutMs: 10_000, maximumAttempts: 1 } satisfies TrainWorkflowInput,
        ],
      });
      assert.ok(
        await eventually(() => existsSync(pidsFile), 10_000),
        'the launcher started its workers',
      );
      await handle.cancel();
      await assert.rejects(handle.result(), (err) => {
        assert.ok(err instanceof WorkflowFailedError);
        assert.ok(err.cause instanceof CancelledFailure, `got ${String(err.cause)}`);
        return true;
      });
    });
    const pids = await launcherPids(activity.manifest.outputDir);
    const all = [pids.launcher, ...pids.workers, ...pids.helpers];
    assert.equal(all.length, 5);
    assert.deepEqual(
      all.filter((pid) => isProcessAlive(pid)),
      [],
    );
  });
});
