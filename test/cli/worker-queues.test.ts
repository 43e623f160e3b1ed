// `socratic worker --queues`: which queues a worker process hosts, the task-queue names a
// config derives for them, and a clear refusal of a queue that does not exist.
import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { UsageError } from '../../cli/options';
import { roundSettings } from '../../cli/run';
import { parseQueueList } from '../../cli/worker';
import { Config } from '../../config/schema';
import { resourceQueuesOf, taskQueuesOf } from '../../workers/queues';
import { runCli } from '../support/cli';

describe('parseQueueList', () => {
  it('hosts every queue by default', () => {
    assert.deepEqual(parseQueueList(undefined), ['workflow', 'llm', 'cpu', 'train']);
  });

  it('takes a comma list, in any order and with spaces, once each', () => {
    assert.deepEqual(parseQueueList('train, workflow,cpu'), ['workflow', 'cpu', 'train']);
    assert.deepEqual(parseQueueList('llm,llm'), ['llm']);
  });

  it('refuses an unknown queue, naming it and the valid ones', () => {
    assert.throws(
      () => parseQueueList('llm,gpu'),
      (error) =>
        error instanceof UsageError &&
        /unknown queue "gpu"/.test(error.message) &&
        /workflow, llm, cpu, train/.test(error.message),
    );
    assert.throws(() => parseQueueList(''), UsageError);
    assert.throws(() => parseQueueList('llm,'), UsageError);
  });
});

describe('task queue names', () => {
  it('derive from temporal.taskQueue unless temporal.taskQueues names them', () => {
    assert.deepEqual(taskQueuesOf(Config.parse({}).temporal), {
      workflow: 'socratic',
      llm: 'socratic-llm',
      cpu: 'socratic-cpu',
      train: 'socratic-train',
    });
    const named = Config.parse({
      temporal: { taskQueue: 'lab', taskQueues: { llm: 'inference', train: 'gpu-a100' } },
    });
    assert.deepEqual(taskQueuesOf(named.temporal), {
      workflow: 'lab',
      llm: 'inference',
      cpu: 'lab-cpu',
      train: 'gpu-a100',
    });
  });

  it('go into the settings of every round', () => {
    const config = Config.parse({ temporal: { taskQueue: 'lab' } });
    assert.deepEqual(roundSettings(config).taskQueues, resourceQueuesOf(config.temporal));
    assert.deepEqual(resourceQueuesOf(config.temporal), {
      llm: 'lab-llm',
      cpu: 'lab-cpu',
      train: 'lab-train',
    });
  });

  it('refuse a queue the config does not know, or an empty name', () => {
    assert.throws(() => Config.parse({ temporal: { taskQueues: { gpu: 'x' } } }));
    assert.throws(() => Config.parse({ temporal: { taskQueues: { llm: '' } } }));
  });
});

test('socratic worker --queues with an unknown queue says so and starts nothing', async () => {
  const result = await runCli(['worker', '--queues', 'workflow,gpu']);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /^error: --queues: unknown queue "gpu"; expected .*workflow, llm, cpu, train/,
  );
  assert.doesNotMatch(result.stderr, /\n\s+at /); // no stack
});
