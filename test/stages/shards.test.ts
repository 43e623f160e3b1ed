// Shards: a stage's batches split over a few long activities that checkpoint through their
// heartbeats (pure split, the batch runner, resuming an attempt from the last one's
// heartbeat), and a round whose history does not grow with its batches (stub activities on
// the test dev server).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Activities } from '../../activities';
import { checkpoint } from '../../activities/heartbeat';
import { runBatches, type ShardCheckpoint, shard } from '../../activities/shards';
import { lanesFor, shardRange } from '../../algorithm/shards';
import { roundProgress } from '../../cli/progress';
import { deferred } from '../../system/deferred';
import { WORKFLOWS_PATH } from '../../workers/worker';
import { progressQuery, type StageProgress } from '../../workflows/progress';
import { roundWorkflow } from '../../workflows/round';
import { testTemporal } from '../support/temporal';

describe('splitting a stage into shards', () => {
  test('every batch falls in exactly one shard, in contiguous ranges', () => {
    for (const batches of [0, 1, 3, 7, 625, 10_000])
      for (const shards of [1, 2, 4, 5]) {
        const seen: number[] = [];
        for (let s = 0; s < shards; s++) {
          const { start, end } = shardRange(batches, { shard: s, shards });
          assert.ok(end >= start);
          for (let b = start; b < end; b++) seen.push(b);
        }
        assert.deepEqual(
          seen,
          Array.from({ length: batches }, (_, b) => b),
          `${batches} batches in ${shards}`,
        );
      }
    assert.throws(() => shardRange(10, { shard: 4, shards: 4 }), /not a shard/);
  });

  test("runs enough batches at once to keep the role's concurrency busy", () => {
    assert.equal(lanesFor(32, 16), 2);
    assert.equal(lanesFor(33, 16), 3);
    assert.equal(lanesFor(1, 16), 1);
  });
});

describe('the batch runner', () => {
  test('adds up every batch once, and checkpoints batches that finish out of order', async () => {
    const ran: number[] = [];
    const reports: ShardCheckpoint[] = [];
    // Even batches are slow: odd ones finish first and wait in doneAhead.
    const totals = await runBatches(
      { start: 10, end: 20 },
      3,
      async (batch) => {
        await new Promise((r) => setTimeout(r, batch % 2 === 0 ? 15 : 1));
        ran.push(batch);
        return { problems: 2, paid: batch, label: 'not counted' };
      },
      { report: (state) => reports.push(state) },
    );
    assert.deepEqual(
      [...ran].sort((a, b) => a - b),
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
    );
    assert.deepEqual(totals, { problems: 20, paid: 145 });
    assert.ok(
      reports.some((r) => r.doneAhead.length > 0),
      'some batch finished before an earlier one',
    );
    const last = reports.at(-1)!;
    assert.equal(last.doneInOrder, 10);
    assert.deepEqual(last.doneAhead, []);
    for (const r of reports) {
      // A checkpoint's totals are exactly those of the batches it says are done.
      const done = [...Array(r.doneInOrder).keys()].map((i) => 10 + i).concat(r.doneAhead);
      assert.equal(
        r.totals.paid,
        done.reduce((a, b) => a + b, 0),
      );
    }
  });

  test('resumes from a checkpoint: only the batches not done run, totals carry over', async () => {
    const ran: number[] = [];
    const totals = await runBatches(
      { start: 0, end: 8 },
      2,
      async (batch) => {
        ran.push(batch);
        return { problems: 1 };
      },
      { resumed: { doneInOrder: 3, doneAhead: [5], totals: { problems: 4 } } },
    );
    assert.deepEqual(
      [...ran].sort((a, b) => a - b),
      [3, 4, 6, 7],
    );
    assert.deepEqual(totals, { problems: 8 });
  });
});

describe('a shard activity', () => {
  test("heartbeats its checkpoint, and a retry resumes from the last attempt's", async () => {
    const first = new MockActivityEnvironment();
    const beats: ShardCheckpoint[] = [];
    first.on('heartbeat', (details: ShardCheckpoint) => beats.push(details));
    const ran: number[] = [];
    // The first attempt dies in its third batch (batch 2 of 6 for shard 0 of 2 of 12).
    await assert.rejects(
      first.run(() =>
        shard(12, { shard: 0, shards: 2 }, 1, async (batch) => {
          if (batch === 2) throw new Error('worker died');
          ran.push(batch);
          return { attempts: 8 };
        }),
      ),
      /worker died/,
    );
    assert.deepEqual(ran, [0, 1]);
    const lastBeat = beats.at(-1)!;
    assert.deepEqual(lastBeat, { doneInOrder: 2, doneAhead: [], totals: { attempts: 16 } });

    const retry = new MockActivityEnvironment({ heartbeatDetails: lastBeat });
    const totals = await retry.run(() =>
      shard(12, { shard: 0, shards: 2 }, 1, async (batch) => {
        ran.push(batch);
        return { attempts: 8 };
      }),
    );
    assert.deepEqual(ran, [0, 1, 2, 3, 4, 5], 'batches 0 and 1 are not run again');
    assert.deepEqual(totals, { attempts: 48 });
  });
});

describe('a round on shards', () => {
  let connection: Connection;
  let native: NativeConnection;
  before(async () => {
    connection = await Connection.connect({ address: testTemporal().address });
    native = await NativeConnection.connect({ address: testTemporal().address });
  });
  after(async () => {
    await connection.close();
    await native.close();
  });

  /** A round over `batches` batches with stub stages; its history length and shard calls. */
  async function roundOf(
    batches: number,
    options: { sampleShard?: (ref: { shard: number; shards: number }) => Promise<object> } = {},
    whileRunning?: (handle: WorkflowHandle) => Promise<void>,
  ) {
    const shardCalls: { stage: string; shard: number; shards: number }[] = [];
    const shardStub = (stage: string) => async (ref: { shard: number; shards: number }) => {
      shardCalls.push({ stage, shard: ref.shard, shards: ref.shards });
      const { start, end } = shardRange(batches, ref);
      return { batches: end - start };
    };
    const activities: Partial<Record<keyof Activities, (input: never) => Promise<unknown>>> = {
      loadSeeds: async () => ({}),
      beginRound: async () => ({ solverModel: 'm0' }),
      evaluationPlan: async () => [{ benchmark: 'bench', batches }],
      evaluateShard: shardStub('evaluate'),
      recordEvaluation: async () => undefined,
      selectRoundSet: async () => ({ fresh: batches * 16, replay: 0, batches }),
      sampleShard: options.sampleShard ?? shardStub('sample'),
      judgeShard: shardStub('judge'),
      fillUtilityWeights: async () => ({}),
      selfVerifyShard: shardStub('self-verify'),
      referenceSolutionsShard: shardStub('reference solutions'),
      trainGenerator: async () => ({ trained: false, model: 'g0' }),
      buildPairs: async () => ({}),
      trainSolver: async () => ({ trained: false, model: 'm0' }),
      refineShard: shardStub('refine'),
      admitRefinements: async () => ({}),
      recordStage: async () => undefined,
      finishRound: async () => ({}),
      setRunStatus: async () => undefined,
    };
    const taskQueue = `shards-${randomUUID()}`;
    const worker = await Worker.create({
      connection: native,
      taskQueue,
      workflowsPath: WORKFLOWS_PATH,
      activities,
    });
    const client = new Client({ connection });
    return worker.runUntil(async () => {
      const handle = await client.workflow.start(roundWorkflow, {
        taskQueue,
        workflowId: `shards-${randomUUID()}`,
        args: [
          {
            runId: 'shards',
            round: 1,
            settings: {
              parallelBatches: 4,
              heartbeatTimeoutSeconds: 10,
              trainerHeartbeatTimeoutSeconds: 10,
              trainerMaxAttempts: 1,
            },
          },
        ],
      });
      await whileRunning?.(handle);
      await handle.result();
      const progress = await handle.query(progressQuery);
      const { historyLength } = await handle.describe();
      return { shardCalls, progress, historyLength };
    });
  }

  test('the history stays the same size from 1,000 batches to 10,000, progress counts batches', async () => {
    const small = await roundOf(3);
    const medium = await roundOf(1_000);
    const large = await roundOf(10_000);
    assert.equal(small.shardCalls.length, 7 * 3, 'seven sharded stages, three shards each');
    assert.equal(large.shardCalls.length, 7 * 4, 'at most parallelBatches shards per stage');
    assert.ok(large.shardCalls.every((c) => c.shards === 4));
    // Ten times the batches, the same activities: only how completions share workflow
    // tasks may differ.
    assert.ok(
      Math.abs(large.historyLength - medium.historyLength) <= 20,
      `${medium.historyLength} events at 1,000 batches, ${large.historyLength} at 10,000`,
    );
    assert.ok(large.historyLength < 400, `${large.historyLength} events`);
    const sample = large.progress.find((s) => s.stage === 'sample')!;
    assert.deepEqual(
      { total: sample.total, done: sample.done, status: sample.status },
      { total: 10_000, done: 10_000, status: 'completed' },
    );
  });

  test('a watcher sees the batches running shards have checkpointed, before they end', async () => {
    const released = deferred();
    const seen: StageProgress[][] = [];
    await roundOf(
      100,
      {
        // Each of the 4 sample shards (25 batches) reports 6 done, then holds.
        sampleShard: async () => {
          checkpoint({ doneInOrder: 5, doneAhead: [7], totals: {} });
          await released.promise;
          return {};
        },
      },
      async (handle) => {
        for (let tries = 0; tries < 200; tries++) {
          const stages = await roundProgress(handle).catch(() => []);
          seen.push(stages);
          const sample = stages.find((s) => s.stage === 'sample');
          if (sample?.done === 24) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        released.resolve();
      },
    );
    const sample = seen.at(-1)!.find((s) => s.stage === 'sample')!;
    assert.deepEqual(
      { status: sample.status, done: sample.done, total: sample.total },
      { status: 'running', done: 24, total: 100 },
    );
  });
});
