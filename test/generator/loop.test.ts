// A 3-round lab run with the Generator in the loop (trainEvery 1, problemWriter generator),
// through the real CLI, a real Temporal server and PGlite: a Generator per round from round 2,
// trained on the previous round's weighted triples, writing that round's targeted problems.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { events, exportJsonl, runCli, tempDir, writeSmallConfig } from '../support/cli';
import { testTemporal } from '../support/temporal';

type Row = Record<string, unknown>;
const utility = (s: number) => Math.exp(-((s - 0.5) ** 2) / (2 * 0.2 ** 2));

test('a lab run trains a Generator per round on U(s)-weighted triples and lets it write', {
  timeout: 900_000,
}, async () => {
  const dir = tempDir();
  const small = writeSmallConfig(dir, 'temporal:\n  taskQueue: generator-loop-test\n', {
    rounds: 3,
  });
  // The Generator settings: trained every round, writing every targeted refinement.
  const config = small;
  writeFileSync(
    config,
    `${readFileSync(small, 'utf8').replace('loop:\n', 'loop:\n  problemWriter: generator\n')}generator:\n  trainEvery: 1\n`,
  );

  const result = await runCli(['run', '--config', config, '--json'], {
    TEMPORAL_ADDRESS: testTemporal().address,
  });
  assert.equal(result.code, 0, `run failed:\n${result.stderr}\n${result.stdout.slice(-3000)}`);
  const done = events(result.stdout).find((e) => e.event === 'done') as { rounds: Row[] };
  assert.equal(done.rounds.length, 3);

  const models = await exportJsonl(config, 'models');
  const generators = models.filter((m) => m.role === 'generator');
  assert.deepEqual(
    generators.map((g) => g.round),
    [2, 3],
    'a Generator trained in every round from round 2 on',
  );
  const [g2, g3] = generators as [Row, Row];
  assert.deepEqual(g2.dataRounds, [1, 1]);
  assert.deepEqual(g3.dataRounds, [2, 2]);
  assert.equal(g2.parentModelId, null, 'the first Generator starts from the base model');
  assert.equal(g3.parentModelId, g2.id, 'the next starts from the previous checkpoint');
  for (const g of generators) {
    assert.ok((g.weightSum as number) > 0 && (g.examples as number) > 0);
    assert.equal(typeof (g.metrics as Row).loss, 'number', 'trainer metrics recorded');
  }
  assert.ok(
    ((g3.metrics as Row).calibration as number) > ((g2.metrics as Row).calibration as number),
    'the lab Generator is better calibrated the more it is trained',
  );

  // The manifest's weights are U(s) of the new problems' attempts in the next round's export.
  const problems = await exportJsonl(config, 'problems');
  const attempts = await exportJsonl(config, 'attempts');
  const generatorData = await exportJsonl(config, 'generator-data');
  const status = new Map(problems.map((p) => [p.id, p.status]));
  const runId = String(events(result.stdout).find((e) => e.runId)!.runId);
  for (const g of generators) {
    const round = g.round as number;
    const manifest = JSON.parse(
      readFileSync(
        path.join(dir, 'state', 'models', runId, `generator-r${round}`, 'manifest.json'),
        'utf8',
      ),
    );
    assert.equal(manifest.kind, 'wsft');
    assert.equal(manifest.role, 'generator');
    const lines = readFileSync(manifest.dataset.train, 'utf8').split('\n').filter(Boolean);
    const weights = lines.map((l) => JSON.parse(l).weight as number).sort((a, b) => a - b);
    const expected = generatorData
      // The generator-data export holds the targeted triples only.
      .filter((t) => t.round === round - 1)
      .filter((t) => status.get(t.problemId) === 'active')
      .map((t) => {
        const tries = attempts.filter(
          (a) => a.problemId === t.problemId && a.round === round && a.refreshId === null,
        );
        assert.ok(tries.length > 0, `round ${round} sampled ${t.problemId}`);
        return utility(tries.filter((a) => a.correct).length / tries.length);
      })
      .sort((a, b) => a - b);
    assert.equal(weights.length, expected.length, `round ${round}: one example per triple`);
    for (const [i, w] of weights.entries())
      assert.ok(Math.abs(w - expected[i]!) < 1e-9, `weight ${i}`);
    assert.ok(Math.abs((g.weightSum as number) - weights.reduce((a, b) => a + b, 0)) < 1e-9);
  }

  // Written by the Generator: the base model in round 1, the round's trained one after.
  const byGenerator = problems.filter((p) => p.origin === 'generator');
  for (const round of [1, 2, 3]) {
    const expectedWriter =
      round === 1
        ? 'lab-generator'
        : (generators.find((g) => g.round === round)!.servedName as string);
    assert.ok(
      byGenerator.some((p) => p.roundCreated === round && p.writerModel === expectedWriter),
      `round ${round}: problems written by ${expectedWriter}`,
    );
  }
  assert.ok(
    problems.some((p) => p.origin === 'teacher'),
    'harder variants stay the Teacher’s',
  );

  // Validity and calibration per writer, next to the Teacher's, in the export and the round table.
  const writers = await exportJsonl(config, 'writers');
  const teacher = writers.find((w) => w.author === 'teacher');
  const base = writers.find((w) => w.model === 'lab-generator');
  assert.ok(teacher && base);
  for (const w of [teacher, base]) {
    assert.ok((w.validity as number) > 0 && (w.validity as number) <= 1);
    assert.equal(typeof w.calibration, 'number');
  }
  assert.equal(typeof g2.validity, 'number');
  const last = done.rounds[2] as { writers: Row[] };
  assert.ok(last.writers.some((w) => w.model === g2.servedName));
  const shown = await runCli(['status', '--config', config]);
  assert.match(shown.stdout, /writers: valid \/ calibrated/);
  assert.match(shown.stdout, /generator +round 2 .*calibrated/);
});
