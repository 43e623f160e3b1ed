import assert from 'node:assert/strict';
import { Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../workers/worker';

/** Where the shared test Temporal server runs; scripts/test.js starts it and sets these. */
export interface TestTemporal {
  /** host:port of a Temporal dev server (in-memory) shared by the whole test run. */
  address: string;
  /** Path of the Temporal CLI, for tests that start servers of their own. */
  cli: string;
  /**
   * A temporary directory for this test run, removed at its end. Dev servers started with
   * ensureDevServer on a state dir inside it are stopped at the end even if a test was killed.
   */
  scratchDir: string;
}

export function testTemporal(): TestTemporal {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  const cli = process.env.TEMPORAL_CLI;
  const scratchDir = process.env.TEMPORAL_TEST_SCRATCH_DIR;
  if (!address || !cli || !scratchDir) {
    const missing = [
      !address && 'TEMPORAL_TEST_ADDRESS',
      !cli && 'TEMPORAL_CLI',
      !scratchDir && 'TEMPORAL_TEST_SCRATCH_DIR',
    ].filter(Boolean);
    throw new Error(
      `${missing.join(' and ')} not set: run the tests with npm test (e.g. \`npm test -- test/foo.test.ts\`), ` +
        'which starts a Temporal dev server for them.',
    );
  }
  return { address, cli, scratchDir };
}

/**
 * Replays `histories` on today's workflow code and asserts each replays without error
 * (`label` names one in the message); returns how many replayed.
 */
export async function assertReplays(
  histories: Parameters<typeof Worker.runReplayHistories>[1],
  label: (workflowId: string) => string = (workflowId) => workflowId,
): Promise<number> {
  let replayed = 0;
  for await (const result of Worker.runReplayHistories(
    { workflowsPath: WORKFLOWS_PATH },
    histories,
  )) {
    assert.equal(
      result.error,
      undefined,
      `${label(result.workflowId)} does not replay: ${result.error}`,
    );
    replayed++;
  }
  return replayed;
}
