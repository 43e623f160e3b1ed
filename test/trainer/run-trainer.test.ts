// The misbehaving-trainer matrix, straight through runTrainer (no Temporal).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  isProcessAlive,
  runTrainer,
  TrainerFailure,
  writeManifest,
} from '../../activities/trainer';
import type { ProgressEvent } from '../../contracts/trainer';
import {
  fakeTrainer,
  freshManifest,
  launcherPids,
  manifestOnDisk,
  trainerRuns,
} from './fake-trainers';

function collect() {
  const events: ProgressEvent[] = [];
  const logs: string[] = [];
  return {
    events,
    logs,
    onEvent: (e: ProgressEvent) => events.push(e),
    onLog: (l: string) => logs.push(l),
  };
}

/** Aborts `controller` once the trainer has reported its first event. */
function abortOnFirstEvent(controller: AbortController, reason: Error) {
  return () => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
}

function assertFailure(err: unknown, expected: Partial<TrainerFailure>): true {
  assert.ok(err instanceof TrainerFailure, `expected a TrainerFailure, got ${String(err)}`);
  for (const [key, value] of Object.entries(expected)) {
    assert.equal(err[key as keyof TrainerFailure], value, `TrainerFailure.${key}`);
  }
  return true;
}

describe('runTrainer', () => {
  it('returns the validated result.json of a well-behaved trainer', async () => {
    const { manifest, manifestPath } = await manifestOnDisk({ steps: 4 });
    const seen = collect();
    const result = await runTrainer({ command: fakeTrainer('good'), manifestPath, ...seen });
    assert.deepEqual(result, {
      model: join(manifest.outputDir, 'model'),
      steps: 4,
      metrics: { loss: 0.25 },
    });
    assert.equal(seen.events.filter((e) => e.event === 'progress').length, 4);
    assert.equal(seen.events.filter((e) => e.event === 'checkpoint').length, 4);
    assert.deepEqual(seen.events.at(-1), { event: 'done', ...result });
    assert.deepEqual(seen.logs, []);
  });

  it('fails retryably on a crash, and the second run resumes after the checkpoint', async () => {
    const { manifest, manifestPath } = await manifestOnDisk({ steps: 6 });
    const command = fakeTrainer('crash-then-resume');
    await assert.rejects(runTrainer({ command, manifestPath }), (err) => {
      assertFailure(err, { exitCode: 1, retryable: true, type: 'TrainerFailed' });
      assert.match((err as Error).message, /exited with code 1/);
      assert.match(
        (err as Error).message,
        /illegal memory access was encountered \(simulated crash\)/,
      );
      return true;
    });
    const seen = collect();
    const result = await runTrainer({ command, manifestPath, ...seen });
    assert.equal(result.steps, 6);
    const runs = await trainerRuns(manifest.outputDir);
    assert.deepEqual(
      runs.map((r) => r.startStep),
      [0, 3],
    );
    const firstProgress = seen.events.find((e) => e.event === 'progress');
    assert.equal(firstProgress?.step, 4, 'the second run starts after the checkpoint at step 3');
  });

  it('classifies exit codes: 75 and unknown retryable, 65 and 78 fatal', async () => {
    const cases = [
      { exitCode: 75, retryable: true, type: 'TrainerFailed' },
      { exitCode: 3, retryable: true, type: 'TrainerFailed' },
      { exitCode: 65, retryable: false, type: 'TrainerBadData' },
      { exitCode: 78, retryable: false, type: 'TrainerBadConfig' },
    ] as const;
    for (const expected of cases) {
      const { manifestPath } = await manifestOnDisk({ exitCode: expected.exitCode });
      await assert.rejects(
        runTrainer({ command: fakeTrainer('exit-code'), manifestPath }),
        (err) => {
          assertFailure(err, expected);
          assert.match(
            (err as Error).message,
            new RegExp(`simulated failure with exit code ${expected.exitCode}`),
          );
          return true;
        },
      );
    }
  });

  it('exit 75 on the first run, success on the second', async () => {
    const { manifestPath } = await manifestOnDisk({ steps: 2 });
    const command = fakeTrainer('exit-75-once');
    await assert.rejects(runTrainer({ command, manifestPath }), (err) => {
      assertFailure(err, { exitCode: 75, retryable: true });
      assert.match((err as Error).message, /CUDA out of memory/);
      return true;
    });
    assert.equal((await runTrainer({ command, manifestPath })).steps, 2);
  });

  it('keeps only the last ~4 KB of stderr', async () => {
    const { manifestPath } = await manifestOnDisk();
    const command = [
      process.execPath,
      '-e',
      'process.stderr.write("x".repeat(100000) + "\\nTHE END\\n"); process.exit(1)',
      '--', // so node leaves the appended --manifest to the script
    ];
    await assert.rejects(runTrainer({ command, manifestPath }), (err) => {
      assertFailure(err, { exitCode: 1 });
      const failure = err as TrainerFailure;
      assert.ok(failure.stderrTail.length <= 4096);
      assert.match(failure.stderrTail, /THE END\n$/);
      return true;
    });
  });

  it('sends protocol lines to onEvent and everything else to onLog', async () => {
    const { manifestPath } = await manifestOnDisk({ steps: 3 });
    const seen = collect();
    const result = await runTrainer({
      command: fakeTrainer('garbage-output'),
      manifestPath,
      ...seen,
    });
    assert.equal(result.steps, 3);
    assert.deepEqual(
      seen.events.map((e) => e.event),
      [
        'progress',
        'checkpoint',
        'progress',
        'checkpoint',
        'progress',
        'checkpoint',
        'progress',
        'done',
      ],
    );
    assert.ok(seen.logs.includes('{"event":"progress","step":'));
    assert.ok(seen.logs.includes('{"event":"progress","step":-1}'));
    assert.ok(seen.logs.includes('{"event":"launch","rank":0}'));
    assert.ok(seen.logs.includes('Saving model... done'));
    assert.ok(seen.logs.includes('WARNING: torch_dtype is deprecated'), 'CRLF is stripped');
    assert.ok(!seen.logs.includes(''), 'blank lines are dropped');
  });

  it('treats zero steps as an error, not a success', async () => {
    const { manifestPath } = await manifestOnDisk();
    await assert.rejects(
      runTrainer({ command: fakeTrainer('zero-steps'), manifestPath }),
      (err) => {
        assertFailure(err, { exitCode: 0, retryable: false, type: 'TrainerBadResult' });
        assert.match((err as Error).message, /zero steps/);
        return true;
      },
    );
  });

  it('treats exit 0 without result.json as an error', async () => {
    const { manifestPath } = await manifestOnDisk({ exitCode: 0 });
    await assert.rejects(runTrainer({ command: fakeTrainer('exit-code'), manifestPath }), (err) => {
      assertFailure(err, { exitCode: 0, retryable: false, type: 'TrainerBadResult' });
      assert.match((err as Error).message, /result\.json is missing/);
      return true;
    });
  });

  it('on abort, kills a silent trainer and rejects with the abort reason', async () => {
    const { manifest, manifestPath } = await manifestOnDisk();
    const controller = new AbortController();
    const reason = new Error('cancelled by the test');
    setTimeout(() => controller.abort(reason), 300);
    const run = runTrainer({
      command: fakeTrainer('hang'),
      manifestPath,
      signal: controller.signal,
    });
    await assert.rejects(run, (err) => err === reason);
    const [hung] = await trainerRuns(manifest.outputDir);
    assert.equal(isProcessAlive(hung?.pid as number), false);
  });

  it('SIGKILLs a trainer that ignores SIGTERM after the grace period', async () => {
    const { manifest, manifestPath } = await manifestOnDisk();
    const controller = new AbortController();
    const reason = new Error('cancelled by the test');
    const started = Date.now();
    let abortedAt = 0;
    const run = runTrainer({
      command: fakeTrainer('ignore-sigterm'),
      manifestPath,
      signal: controller.signal,
      gracePeriodMs: 500,
      onEvent: () => {
        if (controller.signal.aborted) return;
        abortedAt = Date.now();
        controller.abort(reason);
      },
    });
    await assert.rejects(run, (err) => err === reason);
    assert.ok(
      Date.now() - abortedAt >= 450,
      `waited the grace period (${Date.now() - started} ms)`,
    );
    assert.ok(existsSync(join(manifest.outputDir, 'sigterm.log')), 'SIGTERM came first');
    const [run1] = await trainerRuns(manifest.outputDir);
    assert.equal(isProcessAlive(run1?.pid as number), false);
  });

  for (const newSession of [false, true]) {
    const where = newSession
      ? 'in sessions of their own, as torchrun starts them'
      : 'in its process group';
    it(`on abort, leaves no process of a launcher running: workers ${where}, and their helpers`, async () => {
      const { manifest, manifestPath } = await manifestOnDisk({ workers: 2, newSession });
      const controller = new AbortController();
      const reason = new Error('cancelled by the test');
      await assert.rejects(
        runTrainer({
          command: fakeTrainer('spawn-children'),
          manifestPath,
          signal: controller.signal,
          gracePeriodMs: 300,
          onEvent: abortOnFirstEvent(controller, reason),
        }),
        (err) => err === reason,
      );
      const pids = await launcherPids(manifest.outputDir);
      const all = [pids.launcher, ...pids.workers, ...pids.helpers];
      assert.equal(all.length, 5);
      assert.deepEqual(
        all.filter((pid) => isProcessAlive(pid)),
        [],
      );
    });

    it(`cleans up workers ${where} that a launcher leaves behind when it exits`, async () => {
      const { manifest, manifestPath } = await manifestOnDisk({
        workers: 2,
        newSession,
        leaderExits: true,
      });
      const result = await runTrainer({
        command: fakeTrainer('spawn-children'),
        manifestPath,
        gracePeriodMs: 300,
      });
      assert.equal(result.steps, 1);
      const pids = await launcherPids(manifest.outputDir);
      assert.deepEqual(
        [...pids.workers, ...pids.helpers].filter((pid) => isProcessAlive(pid)),
        [],
      );
    });
  }

  it('does not start anything when already aborted', async () => {
    const { manifest, manifestPath } = await manifestOnDisk();
    const reason = new Error('too late');
    await assert.rejects(
      runTrainer({ command: fakeTrainer('good'), manifestPath, signal: AbortSignal.abort(reason) }),
      (err) => err === reason,
    );
    assert.deepEqual(await trainerRuns(manifest.outputDir), []);
  });

  it('stops the trainer when a callback throws', async () => {
    const { manifest, manifestPath } = await manifestOnDisk({ steps: 50 });
    const boom = new Error('heartbeat exploded');
    await assert.rejects(
      runTrainer({
        command: fakeTrainer('good'),
        manifestPath,
        onEvent: () => {
          throw boom;
        },
      }),
      (err) => err === boom,
    );
    assert.equal(existsSync(join(manifest.outputDir, 'result.json')), false);
  });

  it('fails without retry when the command cannot be started', async () => {
    const { manifestPath } = await manifestOnDisk();
    await assert.rejects(runTrainer({ command: ['/nonexistent/trainer'], manifestPath }), (err) =>
      assertFailure(err, { retryable: false, type: 'TrainerBadConfig' }),
    );
    await assert.rejects(runTrainer({ command: [], manifestPath }), (err) =>
      assertFailure(err, { retryable: false, type: 'TrainerBadConfig' }),
    );
  });

  it('refuses an invalid or missing manifest before starting anything', async () => {
    const manifest = await freshManifest();
    const path = join(manifest.outputDir, 'manifest.json');
    const bad = { ...manifest, kind: 'ppo', seed: 1.5 } as unknown as typeof manifest;
    await assert.rejects(writeManifest(bad, path), (err) => {
      assert.match((err as Error).message, /invalid trainer manifest/);
      assert.match((err as Error).message, /kind/);
      assert.match((err as Error).message, /seed/);
      return true;
    });
    assert.equal(existsSync(path), false, 'nothing was written');
    await assert.rejects(runTrainer({ command: fakeTrainer('good'), manifestPath: path }), (err) =>
      assertFailure(err, { retryable: false, type: 'TrainerBadConfig' }),
    );
    assert.deepEqual(await trainerRuns(manifest.outputDir), []);
  });

  it('writes the manifest with defaults applied', async () => {
    const manifest = await freshManifest();
    const { hyperparameters: _, ...withoutDefaults } = manifest;
    const path = join(manifest.outputDir, 'manifest.json');
    await writeManifest(withoutDefaults as typeof manifest, path);
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')).hyperparameters, {});
  });
});
