// The run and round workflows alone, with stub activities, on the test dev server:
// pause holds at the next stage boundary and across continue-as-new, stop ends the run
// cleanly with status `stopped`, cancel cancels, a finished run refuses a pause.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Activities } from '../../activities';
import { deferred } from '../../system/deferred';
import { WORKFLOWS_PATH } from '../../workers/worker';
import { runWorkflowId } from '../../workflows/ids';
import {
  pauseUpdate,
  type RunInput,
  resumeUpdate,
  runWorkflow,
  statusQuery,
  stopUpdate,
} from '../../workflows/run';
import { testTemporal } from '../support/temporal';

let connection: Connection;
let native: NativeConnection;
let client: Client;
before(async () => {
  connection = await Connection.connect({ address: testTemporal().address });
  native = await NativeConnection.connect({ address: testTemporal().address });
  client = new Client({ connection });
});
after(async () => {
  await connection.close();
  await native.close();
});

/** Stub stages that record their calls; `gate` holds sampling until opened. */
function stubs() {
  const calls: string[] = [];
  const gate = deferred();
  const finishGate = deferred();
  let holdFinish = false;
  const statuses: string[] = [];
  const summary = (round: number) => ({ round }) as never;
  const activities: Partial<Record<keyof Activities, (input: never) => Promise<unknown>>> = {
    loadSeeds: async () => ({}),
    beginRound: async (ref: { round: number }) => {
      calls.push(`begin ${ref.round}`);
      return { solverModel: 'm0' };
    },
    evaluationPlan: async () => [],
    selectRoundSet: async () => ({ fresh: 1, replay: 0, batches: 1 }),
    sampleShard: async (ref: { round: number }) => {
      calls.push(`sample ${ref.round}`);
      if (ref.round === 1) await gate.promise;
      return {};
    },
    judgeShard: async (ref: { round: number }) => {
      calls.push(`judge ${ref.round}`);
      return {};
    },
    fillUtilityWeights: async () => ({}),
    selfVerifyShard: async () => ({}),
    referenceSolutionsShard: async () => ({}),
    trainGenerator: async () => ({ trained: false, model: 'g0' }),
    serveGenerator: async () => undefined,
    buildPairs: async () => ({}),
    trainSolver: async () => ({ trained: false, model: 'm0', steps: 0, pairs: 0 }),
    serveSolver: async () => undefined,
    refineShard: async () => ({}),
    admitRefinements: async () => ({}),
    recordEvaluation: async () => undefined,
    recordStage: async () => undefined,
    finishRound: async (ref: { round: number }) => {
      calls.push(`finish ${ref.round}`);
      if (holdFinish) await finishGate.promise;
      return summary(ref.round);
    },
    finishRun: async (input: { status?: string }) => {
      statuses.push(`end ${input.status}`);
    },
    setRunStatus: async (input: { status: string }) => {
      statuses.push(input.status);
    },
  };
  return {
    calls,
    statuses,
    open: gate.resolve,
    activities,
    holdFinish: () => {
      holdFinish = true;
    },
    finishOpen: finishGate.resolve,
  };
}

async function withWorker<T>(activities: object, fn: (taskQueue: string) => Promise<T>) {
  const taskQueue = `run-control-${randomUUID()}`;
  const worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowsPath: WORKFLOWS_PATH,
    activities,
  });
  return worker.runUntil(fn(taskQueue));
}

const input = (runId: string, rounds: number): RunInput => ({
  runId,
  rounds,
  round: 1,
  settings: {
    parallelBatches: 1,
    heartbeatTimeoutSeconds: 10,
    trainerHeartbeatTimeoutSeconds: 10,
    trainerMaxAttempts: 1,
  },
});

const until = async (check: () => boolean, what: string) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > 30_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

test('a pause holds the round at its next stage boundary and carries over continue-as-new', {
  timeout: 120_000,
}, async () => {
  const stub = stubs();
  const runId = `pause-${randomUUID().slice(0, 8)}`;
  await withWorker(stub.activities, async (taskQueue) => {
    const handle = await client.workflow.start(runWorkflow, {
      workflowId: runWorkflowId(runId),
      taskQueue,
      args: [input(runId, 2)],
    });
    await until(() => stub.calls.includes('sample 1'), 'sampling');
    const paused = await handle.executeUpdate(pauseUpdate);
    assert.equal(paused.paused, true);
    stub.open(); // sampling ends; the round must hold before judging
    await until(() => stub.statuses.includes('paused'), 'the pause to take effect');
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(!stub.calls.includes('judge 1'), `judged while paused: ${stub.calls}`);
    await handle.executeUpdate(resumeUpdate, { args: [{}] });
    await handle.result();
    assert.deepEqual(stub.statuses, ['paused', 'running', 'end completed']);
    assert.ok(stub.calls.indexOf('judge 1') > stub.calls.indexOf('sample 1'));
  });
});

test('pause survives continue-as-new; stop ends the run after the current stage as stopped', {
  timeout: 120_000,
}, async () => {
  const stub = stubs();
  const runId = `carry-${randomUUID().slice(0, 8)}`;
  await withWorker(stub.activities, async (taskQueue) => {
    const handle = await client.workflow.start(runWorkflow, {
      workflowId: runWorkflowId(runId),
      taskQueue,
      args: [input(runId, 3)],
    });
    stub.holdFinish();
    stub.open();
    // Round 1 is in its last step (no stage boundary left): the pause reaches the next
    // execution of the run, after continue-as-new, and holds it before round 2.
    await until(() => stub.calls.includes('finish 1'), 'the end of round 1');
    await handle.executeUpdate(pauseUpdate);
    stub.finishOpen();
    await until(() => stub.statuses.includes('paused'), 'the pause');
    const next = client.workflow.getHandle(runWorkflowId(runId));
    const status = await next.query(statusQuery);
    assert.equal(status.round, 2, 'continued as new');
    assert.equal(status.paused, true);
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(!stub.calls.includes('begin 2'), `round 2 started while paused: ${stub.calls}`);
    // Stop while paused: the run ends without round 2, as stopped.
    const stopped = await next.executeUpdate(stopUpdate);
    assert.equal(stopped.stopping, true);
    await next.result();
    assert.ok(!stub.calls.includes('begin 2'), `${stub.calls}`);
    assert.deepEqual(stub.statuses, ['paused', 'end stopped']);
    // A finished run refuses controls.
    await assert.rejects(next.executeUpdate(pauseUpdate));
  });
});

test('stop during a stage ends the round after it', { timeout: 120_000 }, async () => {
  const stub = stubs();
  const runId = `stop-${randomUUID().slice(0, 8)}`;
  await withWorker(stub.activities, async (taskQueue) => {
    const handle = await client.workflow.start(runWorkflow, {
      workflowId: runWorkflowId(runId),
      taskQueue,
      args: [input(runId, 2)],
    });
    await until(() => stub.calls.includes('sample 1'), 'sampling');
    await handle.executeUpdate(stopUpdate);
    stub.open();
    await handle.result();
    assert.deepEqual(stub.calls, ['begin 1', 'sample 1'], 'sampling finished, nothing after it');
    assert.deepEqual(stub.statuses, ['end stopped']);
  });
});

test('cancel ends the run as cancelled', { timeout: 120_000 }, async () => {
  const stub = stubs();
  const runId = `cancel-${randomUUID().slice(0, 8)}`;
  await withWorker(stub.activities, async (taskQueue) => {
    const handle = await client.workflow.start(runWorkflow, {
      workflowId: runWorkflowId(runId),
      taskQueue,
      args: [input(runId, 2)],
    });
    await until(() => stub.calls.includes('sample 1'), 'sampling');
    await handle.cancel();
    await assert.rejects(handle.result(), WorkflowFailedError);
    stub.open();
    assert.deepEqual(stub.statuses, ['end cancelled']);
  });
});
