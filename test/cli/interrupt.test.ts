// Ctrl-C on `socratic run`: it stops its workers, says how to resume, and exits 130 without
// a stack trace (its watch of the run used to crash on the connection closing under it);
// the same command then resumes the run to its end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { events, runCli, spawnCli, tempDir, writeSmallConfig } from '../support/cli';
import { testTemporal } from '../support/temporal';

test('Ctrl-C stops `socratic run` cleanly, and running it again finishes the run', {
  timeout: 300_000,
}, async () => {
  const dir = tempDir();
  const config = writeSmallConfig(dir, 'temporal:\n  taskQueue: interrupt-test\n', {
    latencyMs: 300,
  });
  const env = { TEMPORAL_ADDRESS: testTemporal().address };
  const first = spawnCli(['run', '--config', config, '--json'], env);
  let stdout = '';
  first.stdout!.on('data', (d) => {
    stdout += d;
  });
  // Interrupt once a stage of round 1 is under way.
  for (let waited = 0; !/"stage"/.test(stdout); waited += 100) {
    assert.ok(waited < 120_000, 'no stage started');
    await new Promise((r) => setTimeout(r, 100));
  }
  first.kill('SIGINT');
  const stopped = await first.output;
  assert.equal(stopped.code, 130, stopped.stderr);
  assert.match(stopped.stderr + stopped.stdout, /to resume/);
  assert.doesNotMatch(stopped.stderr, /Channel has been shut down|\n\s+at /);

  const again = await runCli(['run', '--config', config, '--json'], env);
  assert.equal(again.code, 0, again.stderr);
  const done = events(again.stdout).find((e) => e.event === 'done');
  assert.equal(done?.status, 'completed');
});
