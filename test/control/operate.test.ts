// Operating a multi-day run (issue 8), through the real CLI on a real Temporal dev server
// and the simulated lab: pause mid-sampling, restart the worker while paused, resume;
// replay round 2 from refine with a changed refine temperature (only refine calls are
// sent again); branch after round 1 with another seed; repair a run's trainer command.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { openDatabase } from '../../db/client';
import { configRevisions, runs, supersededRows } from '../../db/schema';
import { events, exportJsonl, runCli, spawnCli, tempDir, writeSmallConfig } from '../support/cli';
import { testTemporal } from '../support/temporal';

/** A small lab config under its own name (its state directory is ./state beside it). */
function configFile(
  dir: string,
  name: string,
  extra: string,
  options: { rounds?: number; latencyMs?: number } = {},
) {
  const file = path.join(dir, name);
  writeFileSync(file, readFileSync(writeSmallConfig(dir, extra, options), 'utf8'));
  return file;
}

const env = () => ({ TEMPORAL_ADDRESS: testTemporal().address });

interface LabRequest {
  key: string;
  role: string | null;
  task?: string;
  status: number;
}

function labRequests(stateDir: string): LabRequest[] {
  const file = path.join(stateDir, 'requests.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

async function until(condition: () => boolean, what: string, timeoutMs = 180_000) {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function listed(config: string): Promise<Record<string, unknown>[]> {
  const result = await runCli(['runs', '--config', config, '--json'], env());
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout).runs;
}

async function withDatabase<T>(
  stateDir: string,
  read: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>,
) {
  const database = await openDatabase({ dataDir: path.join(stateDir, 'pgdata') });
  try {
    return await read(database.db);
  } finally {
    await database.close();
  }
}

// One Solver request at a time (and, at first, a slow lab): sampling lasts long enough to
// be paused in on a busy machine.
const SLOW_SOLVER = `roles:
  solver: { concurrency: 1 }
temporal:
  taskQueue: control-operate
`;

test('pause mid-sampling, restart the worker while paused, resume; replay round 2 from refine; branch after round 1', {
  timeout: 900_000,
}, async (t) => {
  const dir = tempDir();
  const config = configFile(dir, 'run.yaml', SLOW_SOLVER, { latencyMs: 1000 });
  // The same, with a quick lab: lab.latencyMs is a repair (it changes no result).
  const quick = configFile(dir, 'quick.yaml', SLOW_SOLVER);
  const state = path.join(dir, 'state');

  // 1. Pause mid-sampling (after the initial evaluation's 24 Solver requests).
  const first = spawnCli(['run', '--config', config, '--json'], env());
  t.after(() => first.kill('SIGKILL')); // a failed assertion must not leave a paused run's process behind
  await until(
    () => labRequests(state).filter((r) => r.role === 'solver').length >= 24 + 3,
    'round 1 sampling',
  );
  const pause = await runCli(['pause', '--config', config], env());
  assert.equal(pause.code, 0, `${pause.stderr}\n${pause.stdout}`);
  assert.match(pause.stdout, /paused; it holds at the next stage boundary of round 1/);
  assert.equal(
    labRequests(state).filter((r) => r.role === 'teacher').length,
    0,
    'the pause came while sampling (no judging yet)',
  );
  // The round holds before judging: sampling finishes, nothing else is sent.
  await until(
    () => labRequests(state).filter((r) => r.role === 'solver').length >= 48,
    'sampling to finish',
  );
  const [live] = await listed(config);
  assert.equal(
    live!.status,
    'paused',
    'runs reads the paused run from Temporal while the run holds the database',
  );
  await new Promise((r) => setTimeout(r, 3000));
  const whilePaused = labRequests(state);
  assert.equal(
    whilePaused.filter((r) => r.role === 'teacher').length,
    0,
    'nothing judged while paused',
  );
  assert.equal(whilePaused.filter((r) => r.role === 'solver').length, 48);

  // 2. The worker's process dies while the run is paused; a pause refused on nothing else.
  first.kill('SIGKILL');
  await first.output;
  const [held] = await listed(config);
  assert.equal(held!.status, 'paused');
  const runId = held!.id as string;

  // 3. Resume: a new worker takes the paused round on from its boundary and finishes.
  const resumed = await runCli(['resume', '--config', quick, '--run', runId, '--json'], env());
  assert.equal(resumed.code, 0, `${resumed.stderr}\n${resumed.stdout.slice(-3000)}`);
  const done = events(resumed.stdout).find((e) => e.event === 'done') as {
    status: string;
    rounds: unknown[];
  };
  assert.equal(done.status, 'completed');
  assert.equal(done.rounds.length, 2);
  const again = await runCli(['pause', '--config', config, '--run', runId], env());
  assert.equal(again.code, 1);
  assert.match(again.stderr, /not running \(completed\): nothing to pause/);

  // 4. Replay round 2 from refine with another refine temperature: only refine is sent again.
  const refineHotter = configFile(
    dir,
    'refine.yaml',
    `${SLOW_SOLVER}tasks:\n  refine: { temperature: 0.95 }\n`,
  );
  const before = labRequests(state).length;
  const refinementsBefore = await exportJsonl(config, 'generator-data');
  const replay = await runCli(
    [
      'replay',
      '--config',
      refineHotter,
      '--run',
      runId,
      '--round',
      '2',
      '--from',
      'refine',
      '--json',
    ],
    env(),
  );
  assert.equal(replay.code, 0, `${replay.stderr}\n${replay.stdout.slice(-3000)}`);
  assert.match(replay.stderr, /replay 1 of round 2 from refine.*tasks\.refine\.temperature/);
  const resent = labRequests(state).slice(before);
  assert.ok(resent.length > 0, 'the refine calls with the new temperature were sent');
  // tasks.refine is the targeted problem writing (harder variants are tasks.harden): only
  // those calls change their key.
  assert.deepEqual(
    [...new Set(resent.map((r) => r.task))].sort(),
    ['refineTargeted'],
    'only refine calls were sent again (sampling, judging, self-verification, harder variants and evaluation came from the cache)',
  );
  await withDatabase(state, async (db) => {
    const superseded = await db
      .select()
      .from(supersededRows)
      .where(eq(supersededRows.runId, runId));
    const tables = new Set(superseded.map((r) => r.table));
    assert.ok(tables.has('refinements') && tables.has('stages'), [...tables].join());
    assert.ok(!tables.has('attempts') && !tables.has('pairs'), 'earlier stages kept their rows');
    const revisions = await db
      .select()
      .from(configRevisions)
      .where(eq(configRevisions.runId, runId))
      .orderBy(configRevisions.revision);
    assert.deepEqual(
      revisions.map((r) => [r.command, r.fromRound, r.changes.map((c) => c.field)]),
      [
        ['resume', 1, ['lab.latencyMs']],
        ['replay', 2, ['tasks.refine.temperature']],
      ],
    );
  });
  const refinementsAfter = await exportJsonl(config, 'generator-data');
  assert.deepEqual(
    refinementsAfter.filter((r) => r.round === 1),
    refinementsBefore.filter((r) => r.round === 1),
    'round 1 untouched',
  );

  // A replay may not change what earlier stages computed: that takes a branch.
  const solverChange = configFile(
    dir,
    'solver.yaml',
    `${SLOW_SOLVER}tasks:\n  solve: { temperature: 0.5 }\n`,
  );
  const refused = await runCli(
    ['replay', '--config', solverChange, '--run', runId, '--round', '2', '--from', 'refine'],
    env(),
  );
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /refused: tasks\.solve\.temperature.*socratic branch/);

  // 5. Branch after round 1 with another seed.
  const branch = await runCli(
    ['branch', '--config', config, '--run', runId, '--after-round', '1', '--seed', '4', '--json'],
    env(),
  );
  assert.equal(branch.code, 0, `${branch.stderr}\n${branch.stdout.slice(-3000)}`);
  const branched = events(branch.stdout).find((e) => e.event === 'done') as Record<string, unknown>;
  assert.equal(branched.status, 'completed');
  assert.equal(branched.parentRunId, runId);
  assert.equal(branched.branchedFromRound, 1);
  const all = await listed(config);
  const child = all.find((r) => r.parentRunId === runId)!;
  assert.equal(child.branchedFromRound, 1);
  assert.notEqual(child.id, runId);
  const childProblems = await exportJsonl(config, 'problems'); // latest = the branch
  assert.ok(
    childProblems.every(
      (p) => p.runId === child.id && p.parentRunId === runId && p.branchedFromRound === 1,
    ),
  );
  const parentProblems = await runCli(
    ['export', '--config', config, '--run', runId, '--what', 'problems'],
    env(),
  );
  const parentRows = parentProblems.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const upToRound1 = (rows: Record<string, unknown>[]) =>
    rows
      .filter((p) => (p.roundCreated as number) <= 1)
      .map((p) => `${p.id} ${p.text}`)
      .sort();
  assert.deepEqual(
    upToRound1(childProblems),
    upToRound1(parentRows),
    'the curriculum up to round 1 is shared',
  );
  const childEvaluations = await exportJsonl(config, 'evaluations');
  assert.deepEqual(
    childEvaluations.map((e) => e.round),
    [0, 1, 2],
  );
});

test('a run whose trainer command does not exist fails once with the fix, and is repaired by --config', {
  timeout: 600_000,
}, async () => {
  const dir = tempDir();
  const queue = 'temporal:\n  taskQueue: control-repair\n';
  const broken = configFile(
    dir,
    'broken.yaml',
    `${queue}trainer:\n  solver:\n    command: ["/nonexistent/socratic-trainer"]\n`,
    { rounds: 1 },
  );
  const failed = await runCli(['run', '--config', broken], env());
  assert.equal(failed.code, 1, failed.stderr);
  assert.match(
    failed.stdout,
    /failed: .*nonexistent.* \(TrainerBadConfig\) — fix trainer\.solver .*socratic resume --run [\w-]+ --config FILE/,
  );
  const state = path.join(dir, 'state');
  const runId = await withDatabase(state, async (db) => {
    const [run] = await db.select().from(runs);
    assert.equal(run!.status, 'failed');
    assert.match(run!.error ?? '', /nonexistent/);
    return run!.id;
  });

  // A change to computed work is refused, pointing to branch; nothing is stored.
  const fixed = configFile(dir, 'fixed.yaml', queue, { rounds: 1 });
  const otherK = path.join(dir, 'k3.yaml');
  writeFileSync(otherK, readFileSync(fixed, 'utf8').replace('  k: 4', '  k: 3'));
  const refused = await runCli(['resume', '--config', otherK, '--run', runId], env());
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /refused: loop\.k \(4 → 3\).*socratic branch/);

  const resumed = await runCli(['resume', '--config', fixed, '--run', runId, '--json'], env());
  assert.equal(resumed.code, 0, `${resumed.stderr}\n${resumed.stdout.slice(-2000)}`);
  assert.equal(
    (events(resumed.stdout).find((e) => e.event === 'done') as { status: string }).status,
    'completed',
  );
  await withDatabase(state, async (db) => {
    const revisions = await db
      .select()
      .from(configRevisions)
      .where(and(eq(configRevisions.runId, runId)));
    assert.equal(revisions.length, 1);
    assert.deepEqual(
      revisions[0]!.changes.map((c) => c.field),
      ['trainer.solver.command'],
    );
    assert.equal(revisions[0]!.fromRound, 1);
    assert.equal(revisions[0]!.command, 'resume');
  });
});
