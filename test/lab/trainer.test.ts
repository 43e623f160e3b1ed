import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ProgressEvent, TrainerResult } from '../../contracts/trainer';
import { generateProblem, type Problem, parseProblem } from '../../lab/problems';
import { Rng } from '../../lab/rng';
import { type Lab, startLab } from '../../lab/server';
import { labEvalSet, labSeedSet } from '../../lab/sets';
import { labTrainerCommand } from '../../lab/trainer';
import { generatePrompt, solvePrompt } from '../../prompts/index';
import { NewProblemReply, parseReply } from '../../prompts/replies';
import { verify } from '../../verifier/index';
import { accuracy, client, runTrainer, tempDir } from './helpers';

function manifest(dir: string, overrides: Record<string, unknown> = {}) {
  return {
    kind: 'dpo',
    runId: 'run-1',
    round: 1,
    role: 'solver',
    baseModel: 'lab-solver',
    dataset: { train: join(dir, 'train.jsonl') },
    hyperparameters: { step_ms: 2 },
    outputDir: join(dir, 'out'),
    seed: 1,
    ...overrides,
  };
}

/** Preference pairs the way the loop builds them: k samples, winners × losers (reference when none is right). */
async function pairsFrom(lab: Lab, model: string, problems: Problem[], k = 8): Promise<string[]> {
  const openai = client(lab.url);
  const pairs: string[] = [];
  for (const problem of problems) {
    const reply = await openai.chat.completions.create({
      model,
      messages: solvePrompt(problem.text),
      n: k,
      temperature: 0.8,
      seed: 1,
    });
    const texts = reply.choices.map((c) => c.message.content!);
    const right = await Promise.all(
      texts.map(async (t) => (await verify(problem.answer, t)).equal === true),
    );
    const losers = texts.filter((_, i) => !right[i]);
    const winners = texts.filter((_, i) => right[i]);
    for (const chosen of winners.length ? winners : [`\\boxed{${problem.answer}}`]) {
      for (const rejected of losers)
        pairs.push(JSON.stringify({ prompt: problem.text, chosen, rejected }));
    }
  }
  return pairs;
}

describe('simulated trainer', () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({ port: 0, seed: 7 });
  });
  after(() => lab.close());

  it('labTrainerCommand is an absolute argv on this node', () => {
    const argv = labTrainerCommand();
    assert.equal(argv[0], process.execPath);
    assert.ok(argv.at(-1)!.endsWith('trainer.ts') && argv.at(-1)!.startsWith('/'));
  });

  it('emits protocol lines, checkpoints, and writes model.json and result.json', async () => {
    const dir = tempDir();
    const pairs = Array.from({ length: 37 }, (_, i) =>
      JSON.stringify({
        prompt: generateProblem('counting', 3, new Rng('pairs', i)).text,
        chosen: 'a',
        rejected: 'b',
      }),
    );
    writeFileSync(join(dir, 'train.jsonl'), `${pairs.join('\n')}\n`);
    const run = await runTrainer(manifest(dir), dir);
    assert.equal(run.code, 0, run.stderr);
    for (const line of run.lines)
      assert.ok(ProgressEvent.safeParse(line).success, JSON.stringify(line));
    const events = run.lines.map((l) => ProgressEvent.parse(l));
    const progress = events.filter((e) => e.event === 'progress');
    assert.deepEqual(
      progress.map((e) => e.step),
      [1, 2, 3, 4, 5],
      'ceil(37 / 8) = 5 steps',
    );
    assert.ok(progress.every((e) => e.event === 'progress' && e.totalSteps === 5));
    assert.deepEqual(
      events.filter((e) => e.event === 'checkpoint').map((e) => e.step),
      [5],
    );
    assert.deepEqual(
      events.flatMap((e) => (e.event === 'phase' ? [e.phase] : [])),
      ['loading-model', 'tokenizing', 'training', 'saving'],
    );
    const done = events.at(-1)!;
    assert.equal(done.event, 'done');
    const result = TrainerResult.parse(
      JSON.parse(readFileSync(join(dir, 'out', 'result.json'), 'utf8')),
    );
    assert.equal(result.steps, 5);
    assert.equal(result.model, join(dir, 'out', 'model.json'));
    const model = JSON.parse(readFileSync(result.model, 'utf8'));
    assert.equal(model.role, 'solver');
    assert.equal(model.parent, 'lab-solver');
    assert.ok(model.skills.counting > 2.0, 'the covered topic gained');
    assert.equal(model.skills.geometry, 2.6, 'uncovered topics stay');
  });

  it('resumes from the latest checkpoint after SIGKILL', async () => {
    const dir = tempDir();
    const pairs = Array.from({ length: 100 }, (_, i) =>
      JSON.stringify({
        prompt: generateProblem('geometry', 2, new Rng('resume', i)).text,
        chosen: 'a',
        rejected: 'b',
      }),
    );
    writeFileSync(join(dir, 'train.jsonl'), `${pairs.join('\n')}\n`);
    const m = manifest(dir, { hyperparameters: { step_ms: 20, batch_size: 4, save_steps: 5 } });
    const killed = await runTrainer(m, dir, (line, kill) => {
      if (line.event === 'progress' && line.step === 12) kill();
    });
    assert.equal(killed.signal, 'SIGKILL');
    assert.ok(existsSync(join(dir, 'out', 'checkpoint-10.json')));
    assert.ok(!existsSync(join(dir, 'out', 'result.json')));
    const resumed = await runTrainer(m, dir);
    assert.equal(resumed.code, 0, resumed.stderr);
    const steps = resumed.lines
      .map((l) => ProgressEvent.parse(l))
      .filter((e) => e.event === 'progress');
    assert.equal(steps[0]!.step, 11, 'first step after restart = checkpoint step + 1');
    assert.equal(steps.at(-1)!.step, 25);
    assert.equal(
      TrainerResult.parse(JSON.parse(readFileSync(join(dir, 'out', 'result.json'), 'utf8'))).steps,
      25,
    );
  });

  it('exits 78 on a bad manifest, naming the field', async () => {
    const dir = tempDir();
    const missing = await runTrainer({ ...manifest(dir), kind: 'ppo' }, dir);
    assert.equal(missing.code, 78);
    assert.match(missing.stderr, /kind/);
    const notJson = await runTrainer('{not json', dir);
    assert.equal(notJson.code, 78);
    const wrongRole = await runTrainer(manifest(dir, { role: 'generator' }), dir);
    assert.equal(wrongRole.code, 78);
    assert.match(wrongRole.stderr, /role/);
    writeFileSync(join(dir, 'train.jsonl'), '{"prompt":"p","chosen":"a","rejected":"b"}\n');
    const badParam = await runTrainer(
      manifest(dir, { hyperparameters: { batch_size: 'eight' } }),
      dir,
    );
    assert.equal(badParam.code, 78);
    assert.match(badParam.stderr, /hyperparameters\.batch_size/);
  });

  it('exits 65 on bad data, naming file:line, and on zero pairs', async () => {
    const dir = tempDir();
    const train = join(dir, 'train.jsonl');
    writeFileSync(
      train,
      '{"prompt":"p","chosen":"a","rejected":"b"}\n{"prompt":"p","chosen":"a"}\n',
    );
    const bad = await runTrainer(manifest(dir), dir);
    assert.equal(bad.code, 65);
    assert.ok(bad.stderr.includes(`${train}:2`), bad.stderr);
    writeFileSync(train, '');
    const empty = await runTrainer(manifest(dir), dir);
    assert.equal(empty.code, 65);
    const absent = await runTrainer(
      manifest(dir, { dataset: { train: join(dir, 'nope.jsonl') } }),
      dir,
    );
    assert.equal(absent.code, 65);
  });

  it('a trained Solver, loaded as an adapter, beats the base model on the evaluation set', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'train.jsonl'),
      `${(await pairsFrom(lab, 'lab-solver', labSeedSet(7))).join('\n')}\n`,
    );
    const run = await runTrainer(manifest(dir, { hyperparameters: { step_ms: 0 } }), dir);
    assert.equal(run.code, 0, run.stderr);
    const modelPath = join(dir, 'out', 'model.json');
    const load = (lora_name: string, lora_path: string) =>
      fetch(`${lab.url}/load_lora_adapter`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ lora_name, lora_path }),
      });
    assert.equal((await load('solver-r1', modelPath)).status, 200);
    assert.equal((await load('solver-r1', modelPath)).status, 200, 'loading again is fine');
    const invalid = await load('solver-x', join(dir, 'missing'));
    assert.equal(invalid.status, 400);
    assert.match(
      ((await invalid.json()) as { message: string }).message,
      /Loading lora solver-x failed/,
    );
    const models = await client(lab.url).models.list();
    assert.ok(models.data.some((m) => m.id === 'solver-r1'));

    const evaluation = labEvalSet(7);
    const openai = client(lab.url);
    const base = await accuracy(openai, 'lab-solver', evaluation);
    const trained = await accuracy(openai, 'solver-r1', evaluation);
    assert.ok(base >= 0.3 && base <= 0.5, `base accuracy ${base}`);
    assert.ok(trained >= base + 0.05, `trained ${trained} vs base ${base}`);

    const unload = await fetch(`${lab.url}/unload_lora_adapter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lora_name: 'solver-r1' }),
    });
    assert.equal(unload.status, 200);
    await assert.rejects(
      openai.chat.completions.create({ model: 'solver-r1', messages: solvePrompt('x') }),
    );
  });

  it('WSFT trains a Generator whose difficulty calibration improves', async () => {
    const dir = tempDir();
    // High weight on difficulty-3 algebra problems: the Solver's frontier there.
    const lines = Array.from({ length: 60 }, (_, i) => {
      const q = generateProblem('algebra', 3, new Rng('wsft', i));
      const completion = JSON.stringify({ problem: q.text, solution: '', answer: q.answer });
      return JSON.stringify({ prompt: 'p', completion, weight: 0.9 });
    });
    writeFileSync(join(dir, 'train.jsonl'), `${lines.join('\n')}\n`);
    const run = await runTrainer(
      manifest(dir, { kind: 'wsft', role: 'generator', baseModel: 'lab-generator' }),
      dir,
    );
    assert.equal(run.code, 0, run.stderr);
    const model = JSON.parse(readFileSync(join(dir, 'out', 'model.json'), 'utf8'));
    assert.equal(model.role, 'generator');
    assert.ok(model.calibration > 0.9, `calibration ${model.calibration}`);
    assert.equal(model.targetDifficulty.algebra, 3);

    const loaded = await fetch(`${lab.url}/load_lora_adapter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lora_name: 'generator-r1', lora_path: join(dir, 'out') }),
    });
    assert.equal(loaded.status, 200);
    const openai = client(lab.url);
    const onTarget = async (model: string) => {
      let hits = 0;
      for (let i = 0; i < 30; i++) {
        const source = generateProblem('algebra', 1 + (i % 5), new Rng('gen-source', i));
        const reply = await openai.chat.completions.create({
          model,
          messages: generatePrompt({ problem: source.text, failedAttempt: '\\boxed{0}' }),
        });
        const parsed = parseReply(NewProblemReply, reply.choices[0]!.message.content!);
        if (parsed.ok && parseProblem(parsed.value.problem)?.difficulty === 3) hits++;
      }
      return hits / 30;
    };
    const base = await onTarget('lab-generator');
    const trained = await onTarget('generator-r1');
    assert.ok(trained > base + 0.3, `on target: trained ${trained} vs base ${base}`);
  });
});
