// A budget smaller than a round needs: the run pauses before the next paid call with the
// budget's message, and finishes once the budget is raised and the run resumed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { events, runCli, spawnCli, tempDir, writeSmallConfig } from '../support/cli';
import { testTemporal } from '../support/temporal';

test('a run over its token budget pauses, and finishes once the budget is raised', {
  timeout: 600_000,
}, async () => {
  const dir = tempDir();
  const temporal = { TEMPORAL_ADDRESS: testTemporal().address };
  const budget = (tokens: number) =>
    `temporal:\n  taskQueue: budget-test\nbudget:\n  teacher:\n    tokensPerRound: ${tokens}\n`;
  const config = writeSmallConfig(dir, budget(1500), { rounds: 1 });

  const run = spawnCli(['run', '--config', config, '--json'], temporal);
  let stdout = '';
  run.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  const deadline = Date.now() + 300_000;
  let paused: Record<string, unknown> | undefined;
  while (!paused && Date.now() < deadline && run.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    paused = events(stdout).find((e) => e.paused === true);
  }
  assert.ok(paused, `the run did not pause:\n${stdout.slice(-2000)}`);
  assert.match(
    String(paused.reason),
    /budget: the teacher has spent [\d,]+ tokens in round 1; budget\.teacher\.tokensPerRound is 1,500/,
  );
  run.kill('SIGINT'); // the run stays on the Temporal server, paused
  await run.output;

  const status = await runCli(['status', '--config', config, '--json']);
  const [held] = JSON.parse(status.stdout).runs;
  assert.equal(held.status, 'paused');
  assert.match(String(held.error), /budget\.teacher\.tokensPerRound/);

  writeSmallConfig(dir, budget(10_000_000), { rounds: 1 }); // the same file, a raised budget
  const resumed = await runCli(['resume', '--config', config, '--json'], temporal);
  assert.equal(
    resumed.code,
    0,
    `resume failed:\n${resumed.stderr}\n${resumed.stdout.slice(-2000)}`,
  );
  const done = events(resumed.stdout).find((e) => e.event === 'done') as { status: string };
  assert.equal(done.status, 'completed');
});
