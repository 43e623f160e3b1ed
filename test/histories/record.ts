// Records the histories of a released workflow version: run it with
// `npm test -- test/histories/record.ts` on the commit being released. It runs a 2-round
// lab run on the test Temporal server and writes every execution's history (the run's
// executions and its rounds) as JSON beside this file, for replay.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { runCli, tempDir, writeSmallConfig } from '../support/cli';
import { testTemporal } from '../support/temporal';

const VERSION = process.env.HISTORY_VERSION ?? 'v1';

test(`record the histories of workflow version ${VERSION}`, { timeout: 900_000 }, async () => {
  const taskQueue = `history-record-${VERSION}`;
  const dir = tempDir();
  const config = writeSmallConfig(dir, `temporal:\n  taskQueue: ${taskQueue}\n`);
  const result = await runCli(['run', '--config', config, '--json'], {
    TEMPORAL_ADDRESS: testTemporal().address,
  });
  if (result.code !== 0) throw new Error(`run failed:\n${result.stderr}`);
  const out = path.join(__dirname, VERSION);
  mkdirSync(out, { recursive: true });
  const connection = await Connection.connect({ address: testTemporal().address });
  try {
    const client = new Client({ connection });
    let n = 0;
    for await (const execution of client.workflow.list({ query: `TaskQueue = "${taskQueue}"` })) {
      // The CLI writes the JSON form every Temporal tool reads (historyFromJSON included).
      const history = execFileSync(testTemporal().cli, [
        ...['workflow', 'show', '--address', testTemporal().address],
        ...['--workflow-id', execution.workflowId, '--run-id', execution.runId, '--output', 'json'],
      ]);
      const name = `${execution.type}-${execution.workflowId.replace(/^socratic-run-[^-]+-?/, '') || 'run'}-${execution.runId.slice(0, 8)}.json`;
      writeFileSync(path.join(out, name), history);
      n++;
    }
    console.log(`# wrote ${n} histories to ${out}`);
  } finally {
    await connection.close();
  }
});
