// Stage 0 (issue 7, point 5): with `warmStart.enabled` the Solver is SFT-trained on worked
// solutions before round 1, recorded as round 0, served, and used by round 1; a run killed
// after the warm start resumes without training it again.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { openDatabase } from '../../db/client';
import { attempts, evaluations, models, stages } from '../../db/schema';
import { stopDevServer } from '../../temporal/dev-server';
import { runCli, spawnCli, tempDir, writeSmallConfig } from '../support/cli';

async function until(condition: () => boolean, what: string, timeoutMs = 240_000) {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function solverRequests(stateDir: string): number {
  const file = path.join(stateDir, 'requests.jsonl');
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{') && JSON.parse(l).role === 'solver').length;
}

test('a lab run with warm start trains round 0 once and samples round 1 from it', {
  timeout: 600_000,
}, async (t) => {
  const dir = tempDir();
  const state = path.join(dir, 'state');
  t.after(() => stopDevServer(state).catch(() => {}));
  const config = writeSmallConfig(
    dir,
    'warmStart:\n  enabled: true\ntrainer:\n  solver:\n    hyperparameters: { step_ms: 100 }\n',
    { rounds: 1 },
  );

  // Killed once the warm start is over (the first Solver request is round 0's evaluation).
  const first = spawnCli(['run', '--config', config, '--json']);
  await until(() => solverRequests(state) > 0, 'the first Solver request');
  first.kill('SIGKILL');
  await first.output;
  const [runId] = readdirSync(path.join(state, 'models'));
  const result = path.join(state, 'models', runId!, 'solver-r0', 'result.json');
  assert.ok(existsSync(result), 'the warm start finished before the kill');
  const trainedAt = statSync(result).mtimeMs;

  const last = await runCli(['run', '--config', config, '--json']);
  assert.equal(last.code, 0, `${last.stderr}\n${last.stdout.slice(-2000)}`);
  assert.equal(statSync(result).mtimeMs, trainedAt, 'the warm start was not trained again');

  const database = await openDatabase({ dataDir: path.join(state, 'pgdata') });
  try {
    const solvers = await database.db
      .select()
      .from(models)
      .where(eq(models.role, 'solver'))
      .orderBy(models.round);
    assert.deepEqual(
      solvers.map((m) => m.round),
      [0, 1],
    );
    const [warm, trained] = solvers;
    assert.match(warm!.servedName, /-r0$/);
    assert.equal(warm!.parentName, 'lab-solver');
    assert.ok((warm!.steps ?? 0) > 0);
    assert.equal(trained!.parentName, warm!.servedName, 'round 1 trains on from M_0');
    const round1 = await database.db.select().from(attempts).where(eq(attempts.round, 1));
    assert.ok(round1.length > 0 && round1.every((a) => a.solverModel === warm!.servedName));
    const [initial] = await database.db.select().from(evaluations).where(eq(evaluations.round, 0));
    assert.equal(initial?.model, warm!.servedName);
    const [stage] = await database.db
      .select()
      .from(stages)
      .where(and(eq(stages.round, 1), eq(stages.stage, 'warm start')));
    assert.equal(stage?.status, 'completed');
  } finally {
    await database.close();
  }
});
