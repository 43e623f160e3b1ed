// Durability (issue 2, point 7): kill -9 the run mid-sampling, then mid-training together
// with its Temporal dev server; running the same command again must finish with exactly
// the data of an uninterrupted run, re-sending only requests that were in flight.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { stopDevServer } from '../../temporal/dev-server';
import { exportAll, runCli, spawnCli, tempDir, writeSmallConfig } from '../support/cli';

// Slow enough that the kills land inside the stages they aim at.
const SLOW = `trainer:
  solver:
    hyperparameters: { step_ms: 250, save_steps: 2 }
    heartbeatTimeoutSeconds: 5
temporal:
  heartbeatTimeoutSeconds: 5
`;

function requestKeys(stateDir: string, role?: string): string[] {
  const file = path.join(stateDir, 'requests.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .filter((r) => !role || r.role === role)
    .map((r) => r.key);
}

function hasCheckpoint(stateDir: string): boolean {
  const models = path.join(stateDir, 'models');
  if (!existsSync(models)) return false;
  return readdirSync(models, { recursive: true }).some((f) => String(f).includes('checkpoint-'));
}

async function until(condition: () => boolean, what: string, timeoutMs = 180_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function devServerPid(stateDir: string): number {
  return JSON.parse(readFileSync(path.join(stateDir, 'temporal', 'server.json'), 'utf8')).pid;
}

test('a run killed at random moments ends with the same data as an uninterrupted one', {
  timeout: 900_000,
}, async (t) => {
  const calm = tempDir();
  const crashy = tempDir();
  // The same config in both (run ids derive from it): only the state directories differ.
  const calmConfig = writeSmallConfig(calm, SLOW);
  const crashyConfig = writeSmallConfig(crashy, SLOW);
  t.after(async () => {
    await stopDevServer(path.join(calm, 'state')).catch(() => {});
    await stopDevServer(path.join(crashy, 'state')).catch(() => {});
  });

  const reference = await runCli(['run', '--config', calmConfig, '--json']);
  assert.equal(reference.code, 0, reference.stderr);

  const state = path.join(crashy, 'state');
  // 1. Mid-sampling of round 1 (after the 24 evaluation requests of the initial Solver).
  const first = spawnCli(['run', '--config', crashyConfig, '--json']);
  await until(() => requestKeys(state, 'solver').length >= 24 + 10, 'round 1 sampling');
  first.kill('SIGKILL');
  await first.output;
  // 2. Mid-training, together with the Temporal dev server.
  const second = spawnCli(['run', '--config', crashyConfig, '--json']);
  await until(() => hasCheckpoint(state), 'a training checkpoint');
  second.kill('SIGKILL');
  process.kill(devServerPid(state), 'SIGKILL');
  await second.output;
  // 3. Run the same command again until it completes.
  const last = await runCli(['run', '--config', crashyConfig, '--json']);
  assert.equal(last.code, 0, `${last.stderr}\n${last.stdout.slice(-2000)}`);

  const expected = await exportAll(path.join(calm, 'state'));
  const actual = await exportAll(state);
  for (const what of Object.keys(expected))
    assert.deepEqual(actual[what], expected[what], `${what} differ`);
  assert.ok(expected.pairs!.length > 0 && expected.evaluations!.length === 3);

  const keys = requestKeys(state);
  const repeats = keys.length - new Set(keys).size;
  // In flight at each kill: at most the per-role concurrency of the roles busy then.
  assert.ok(repeats <= 2 * (8 + 4), `${repeats} requests were sent again`);
  console.log(`# ${repeats} requests re-sent after 2 kills (in flight at the kills)`);
});
