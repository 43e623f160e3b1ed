// Which config changes a running run may take, and old config snapshots loading on new code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { replayStageOf } from '../../activities/lineage';
import { ConfigError, configSnapshot, loadSnapshot, SNAPSHOT_VERSION } from '../../config/load';
import { ConfigChangeRefused, checkConfigChanges } from '../../config/revisions';
import { Config } from '../../config/schema';

const base = Config.parse({});
const edit = (change: (c: Config) => void): Config => {
  const copy = structuredClone(base);
  change(copy);
  return copy;
};

describe('checkConfigChanges', () => {
  it('lets a run repair how work is done', () => {
    const repaired = edit((c) => {
      c.trainer.solver.command = ['python', '-m', 'socratic_trainer.cli'];
      c.roles.teacher.baseUrl = 'http://gpu:8000/v1';
      c.roles.solver.concurrency = 64;
      c.evaluation.benchmarks = [{ name: 'math500', path: '/data/math500.json' }];
    });
    assert.deepEqual(
      checkConfigChanges(base, repaired).map((c) => c.field),
      [
        'evaluation.benchmarks',
        'roles.solver.concurrency',
        'roles.teacher.baseUrl',
        'trainer.solver.command',
      ],
    );
  });

  it('refuses a change to computed work, pointing to branch', () => {
    assert.throws(
      () =>
        checkConfigChanges(
          base,
          edit((c) => {
            c.loop.k = 3;
          }),
        ),
      (error: Error) =>
        error instanceof ConfigChangeRefused &&
        /loop\.k \(8 → 3\)/.test(error.message) &&
        /socratic branch/.test(error.message),
    );
    assert.throws(
      () =>
        checkConfigChanges(
          base,
          edit((c) => {
            c.seed = 2;
          }),
        ),
      ConfigChangeRefused,
    );
  });

  it('lets a replay change what the replayed stages compute, not earlier ones', () => {
    const hotter = edit((c) => {
      c.tasks.refine.temperature = 0.9;
    });
    assert.throws(() => checkConfigChanges(base, hotter), ConfigChangeRefused);
    assert.deepEqual(
      checkConfigChanges(base, hotter, 'refine').map((c) => c.field),
      ['tasks.refine.temperature'],
    );
    assert.doesNotThrow(() => checkConfigChanges(base, hotter, 'judge'));
    assert.throws(() => checkConfigChanges(base, hotter, 'admit'), ConfigChangeRefused);
    const solver = edit((c) => {
      c.tasks.solve.temperature = 0.5;
    });
    assert.throws(() => checkConfigChanges(base, solver, 'refine'), ConfigChangeRefused);
  });
});

describe('config snapshots', () => {
  it('round-trip at the current version', () => {
    const snapshot = JSON.parse(JSON.stringify(configSnapshot(base)));
    assert.equal(snapshot.snapshotVersion, SNAPSHOT_VERSION);
    assert.deepEqual(loadSnapshot(snapshot), base);
  });

  it('migrate a version 1 snapshot to what version 1 computed, not to new defaults', () => {
    // A snapshot as main at 93c9d34 (version 1) stored it: temperatures per role and for
    // evaluation, no tasks, no structured output, no Teacher fallback, no caps.
    const v1 = JSON.parse(
      readFileSync(path.join(__dirname, '..', 'fixtures', 'config-snapshot-v1.json'), 'utf8'),
    );
    const loaded = loadSnapshot(v1);
    assert.equal(loaded.tasks.solve.temperature, 0.8);
    assert.equal(loaded.tasks.judge.temperature, 0.3, "the Teacher's temperature judged");
    assert.equal(loaded.tasks.refine.temperature, 0.3, 'and wrote problems');
    assert.equal(loaded.tasks.evaluate.temperature, 0.6);
    assert.equal(loaded.roles.teacher.structuredOutput, false);
    assert.equal(loaded.evaluation.teacherFallback, false);
    assert.equal(loaded.loop.k, 8);
    assert.deepEqual(
      loadSnapshot(JSON.parse(JSON.stringify(configSnapshot(loaded)))),
      loaded,
      'the migrated config round-trips at the current version',
    );
  });

  it('refuse a snapshot that would silently take a new default', () => {
    const snapshot = JSON.parse(JSON.stringify(configSnapshot(base)));
    delete snapshot.loop.k;
    assert.throws(
      () => loadSnapshot(snapshot, 'run r1'),
      (error: Error) =>
        error instanceof ConfigError && /loop\.k.*migration is missing/.test(error.message),
    );
    assert.throws(
      () => loadSnapshot({ ...snapshot, snapshotVersion: SNAPSHOT_VERSION + 1 }),
      /upgrade socratic/,
    );
  });
});

it('maps recorded stages to the replay stages', () => {
  assert.equal(replayStageOf('train solver'), 'train');
  assert.equal(replayStageOf('utility weights'), 'judge');
  assert.equal(replayStageOf('evaluate lab-eval'), 'evaluate');
  assert.equal(replayStageOf('evaluate lab-eval (initial Solver)'), undefined);
  assert.equal(replayStageOf('round set'), undefined);
  assert.equal(replayStageOf('self-verify'), 'self-verify');
});
