// refreshWorkflow alone, on the dev server with stubbed activities: the stages in the
// order of SPEC §4, fanned out over the planned batches, keyed by the workflow id; a
// skipped refresh does nothing else and says why.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { RefreshStart } from '../../activities/refresh';
import { WORKFLOWS_PATH } from '../../workers/worker';
import { refreshWorkflow } from '../../workflows/refresh';
import { testTemporal } from '../support/temporal';

async function runRefresh(plan: RefreshStart) {
  const calls: string[] = [];
  const record = (name: string) => async (input: Record<string, unknown>) => {
    calls.push(input.batch === undefined ? name : `${name} ${input.batch}`);
    return {};
  };
  const activities = {
    async beginRefresh(input: { refreshId: string; count?: number }) {
      calls.push(`begin ${input.refreshId} count ${input.count}`);
      return plan;
    },
    refreshWriteBatch: record('write'),
    refreshAdmit: record('admit'),
    refreshProbeBatch: record('probe'),
    async finishRefresh(input: { refreshId: string }) {
      calls.push('finish');
      return { refreshId: input.refreshId, counts: { kept: 3 } };
    },
  };
  const taskQueue = `refresh-workflow-${randomUUID()}`;
  const connection = await NativeConnection.connect({ address: testTemporal().address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: WORKFLOWS_PATH,
    activities,
  });
  const clientConnection = await Connection.connect({ address: testTemporal().address });
  try {
    const client = new Client({ connection: clientConnection });
    const workflowId = `socratic-refresh-test-${randomUUID()}`;
    const outcome = await worker.runUntil(
      client.workflow.execute(refreshWorkflow, {
        workflowId,
        taskQueue,
        args: [{ runId: 'run', count: 5, parallelBatches: 1, heartbeatTimeoutSeconds: 30 }],
      }),
    );
    return { calls, outcome, workflowId };
  } finally {
    await clientConnection.close();
    await connection.close();
  }
}

test('a refresh writes, admits, probes and records, batch by batch', {
  timeout: 120_000,
}, async () => {
  const { calls, outcome, workflowId } = await runRefresh({ skipped: false, round: 1, batches: 2 });
  assert.deepEqual(calls, [
    `begin ${workflowId} count 5`,
    'write 0',
    'write 1',
    'admit',
    'probe 0',
    'probe 1',
    'finish',
  ]);
  assert.deepEqual(outcome, { refreshId: workflowId, counts: { kept: 3 } });
});

test('a skipped refresh does nothing more and says why', { timeout: 120_000 }, async () => {
  const { calls, outcome, workflowId } = await runRefresh({
    skipped: true,
    reason: 'round 2 is running',
  });
  assert.equal(calls.length, 1);
  assert.deepEqual(outcome, { refreshId: workflowId, skipped: 'round 2 is running', counts: {} });
});
