// The round and refresh workflows alone, with stub activities served by one Worker per task
// queue on the test dev server: with the queues a config derives (temporal.taskQueues) each
// activity runs on its resource's queue (LLM calls on llm, training and serving on train,
// the rest on cpu); without them (rounds and schedules started before there were queues)
// every activity stays on the workflow's own queue.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Context } from '@temporalio/activity';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Activities } from '../../activities';
import { roundSettings } from '../../cli/run';
import { Config } from '../../config/schema';
import { resourceQueuesOf, taskQueuesOf } from '../../workers/queues';
import { WORKFLOWS_PATH } from '../../workers/worker';
import { refreshWorkflow } from '../../workflows/refresh';
import { roundWorkflow } from '../../workflows/round';
import { testTemporal } from '../support/temporal';

/** Which activity ran on which task queue, per run id. */
const ran: { runId: string; activity: string; queue: string }[] = [];

function stub<T>(activity: string, result: T) {
  return async (input: { runId: string }) => {
    ran.push({ runId: input.runId, activity, queue: Context.current().info.taskQueue });
    return result;
  };
}

const trained = { trained: true, model: 'm1', steps: 1, pairs: 1 };
const stubs: Partial<Record<keyof Activities, (input: never) => Promise<unknown>>> = {
  loadSeeds: stub('loadSeeds', {}),
  warmStartSolver: stub('warmStartSolver', trained),
  beginRound: stub('beginRound', { solverModel: 'm0' }),
  evaluationPlan: stub('evaluationPlan', [{ benchmark: 'b', batches: 1 }]),
  evaluateShard: stub('evaluateShard', { problems: 1, correct: 1 }),
  recordEvaluation: stub('recordEvaluation', undefined),
  selectRoundSet: stub('selectRoundSet', { fresh: 1, replay: 0, batches: 1 }),
  sampleShard: stub('sampleShard', {}),
  judgeShard: stub('judgeShard', {}),
  fillUtilityWeights: stub('fillUtilityWeights', {}),
  selfVerifyShard: stub('selfVerifyShard', {}),
  referenceSolutionsShard: stub('referenceSolutionsShard', {}),
  trainGenerator: stub('trainGenerator', trained),
  serveGenerator: stub('serveGenerator', undefined),
  buildPairs: stub('buildPairs', {}),
  trainSolver: stub('trainSolver', trained),
  serveSolver: stub('serveSolver', undefined),
  refineShard: stub('refineShard', {}),
  admitRefinements: stub('admitRefinements', {}),
  recordStage: stub('recordStage', undefined),
  finishRound: stub('finishRound', { round: 1 }),
  beginRefresh: stub('beginRefresh', { skipped: false, round: 1, batches: 1 }),
  refreshWriteBatch: stub('refreshWriteBatch', {}),
  refreshAdmit: stub('refreshAdmit', {}),
  refreshProbeBatch: stub('refreshProbeBatch', {}),
  finishRefresh: stub('finishRefresh', { counts: {} }),
};

/** Where each activity belongs (issue 11: LLM calls, CPU and database work, training). */
const RESOURCE: Record<string, 'llm' | 'cpu' | 'train'> = {
  loadSeeds: 'cpu',
  beginRound: 'cpu',
  evaluationPlan: 'cpu',
  recordEvaluation: 'cpu',
  selectRoundSet: 'cpu',
  fillUtilityWeights: 'cpu',
  buildPairs: 'cpu',
  admitRefinements: 'cpu',
  recordStage: 'cpu',
  finishRound: 'cpu',
  evaluateShard: 'llm',
  sampleShard: 'llm',
  judgeShard: 'llm',
  selfVerifyShard: 'llm',
  referenceSolutionsShard: 'llm',
  refineShard: 'llm',
  warmStartSolver: 'train',
  trainSolver: 'train',
  serveSolver: 'train',
  trainGenerator: 'train',
  serveGenerator: 'train',
  beginRefresh: 'cpu',
  refreshAdmit: 'cpu',
  finishRefresh: 'cpu',
  refreshWriteBatch: 'llm',
  refreshProbeBatch: 'llm',
};

// The queues a config with this task queue derives, one Worker on each.
const config = Config.parse({ temporal: { taskQueue: `task-queues-${randomUUID()}` } });
const queues = taskQueuesOf(config.temporal);
let connection: Connection;
let native: NativeConnection;
let client: Client;
let workers: Worker[];
let running: Promise<unknown>;

before(async () => {
  const { address } = testTemporal();
  connection = await Connection.connect({ address });
  native = await NativeConnection.connect({ address });
  client = new Client({ connection });
  workers = await Promise.all(
    Object.entries(queues).map(([queue, taskQueue]) =>
      Worker.create({
        connection: native,
        taskQueue,
        activities: stubs,
        ...(queue === 'workflow' ? { workflowsPath: WORKFLOWS_PATH } : {}),
      }),
    ),
  );
  running = Promise.all(workers.map((worker) => worker.run()));
});

after(async () => {
  for (const worker of workers) worker.shutdown();
  await running;
  await native.close();
  await connection.close();
});

/** The queue each activity of the run ran on (every activity ran on one queue only). */
function queuesOf(runId: string): Record<string, string> {
  const byActivity: Record<string, Set<string>> = {};
  for (const call of ran.filter((c) => c.runId === runId))
    byActivity[call.activity] = new Set([...(byActivity[call.activity] ?? []), call.queue]);
  return Object.fromEntries(
    Object.entries(byActivity).map(([activity, set]) => [activity, [...set].join(' and ')]),
  );
}

async function runRounds(runId: string, settings: ReturnType<typeof roundSettings>) {
  for (const round of [1, 2])
    await client.workflow.execute(roundWorkflow, {
      workflowId: `task-queues-${runId}-round-${round}`,
      taskQueue: queues.workflow,
      args: [{ runId, round, settings }],
    });
}

test("with the config's task queues, each round activity runs on its resource's queue", {
  timeout: 120_000,
}, async () => {
  const runId = `queues-${randomUUID().slice(0, 8)}`;
  const settings = roundSettings({ ...config, warmStart: { ...config.warmStart, enabled: true } });
  assert.deepEqual(settings.taskQueues, resourceQueuesOf(config.temporal));
  await runRounds(runId, settings);

  const actual = queuesOf(runId);
  const expected = Object.fromEntries(
    Object.keys(actual).map((activity) => {
      const resource = RESOURCE[activity];
      assert.ok(resource, `${activity} ran, but this test does not say where it belongs`);
      return [activity, queues[resource]];
    }),
  );
  assert.deepEqual(actual, expected);
  // Every resource's queue served: LLM stages, CPU work, training and serving.
  for (const activity of ['sampleShard', 'judgeShard', 'buildPairs', 'trainSolver', 'serveSolver'])
    assert.ok(activity in actual, `${activity} did not run`);
});

test('a round without task queues (started before there were any) keeps every activity on its own queue', {
  timeout: 120_000,
}, async () => {
  const runId = `legacy-${randomUUID().slice(0, 8)}`;
  const { taskQueues: _none, ...settings } = roundSettings(config);
  await runRounds(runId, settings);
  const actual = queuesOf(runId);
  assert.ok('sampleShard' in actual && 'trainSolver' in actual);
  for (const [activity, queue] of Object.entries(actual))
    assert.equal(queue, queues.workflow, activity);
});

test('a refresh writes and probes on the llm queue and keeps its books on the cpu queue', {
  timeout: 120_000,
}, async () => {
  for (const taskQueues of [resourceQueuesOf(config.temporal), undefined]) {
    const runId = `refresh-${randomUUID().slice(0, 8)}`;
    await client.workflow.execute(refreshWorkflow, {
      workflowId: `task-queues-refresh-${runId}`,
      taskQueue: queues.workflow,
      args: [{ runId, parallelBatches: 1, heartbeatTimeoutSeconds: 10, taskQueues }],
    });
    const where = (resource: 'llm' | 'cpu') => (taskQueues ? queues[resource] : queues.workflow);
    assert.deepEqual(queuesOf(runId), {
      beginRefresh: where('cpu'),
      refreshWriteBatch: where('llm'),
      refreshAdmit: where('cpu'),
      refreshProbeBatch: where('llm'),
      finishRefresh: where('cpu'),
    });
  }
});
