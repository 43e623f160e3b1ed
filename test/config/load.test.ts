// loadConfig: defaults, validation errors with file:line: path: expectation, path
// resolution, overrides and the hash.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, canonicalJson, loadConfig, resolveConfigPaths } from '../../config/load';
import { Config } from '../../config/schema';
import { useTempDir } from './temp-dir';

async function assertConfigError(file: string, expectedLines: string[]) {
  await assert.rejects(loadConfig(file), (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.deepEqual(error.message.split('\n'), expectedLines);
    return true;
  });
}

describe('loadConfig', () => {
  const tmp = useTempDir('config-load-');

  it('without a file gives the defaults (the embedded lab), paths against the cwd', async () => {
    const loaded = await loadConfig();
    assert.equal(loaded.file, undefined);
    assert.deepEqual(loaded.config, resolveConfigPaths(Config.parse({}), process.cwd()));
    assert.equal(loaded.config.stateDir, path.resolve('.socratic'));
    assert.equal(loaded.config.loop.seeds, 'lab');
    assert.equal(loaded.config.roles.solver.baseUrl, 'lab');
    assert.match(loaded.hash, /^[0-9a-f]{64}$/);
  });

  it('an empty file gives the defaults too', async () => {
    const file = await tmp.write('empty.yaml', '# nothing yet\n');
    const loaded = await loadConfig(file);
    assert.equal(loaded.file, file);
    assert.deepEqual(loaded.config, resolveConfigPaths(Config.parse({}), path.dirname(file)));
  });

  it('a bad field names file, line, field path and expectation', async () => {
    const lines = [
      '# socratic',
      'rounds: 2',
      'loop:',
      ...Array(8).fill('  # padding'),
      '  k: x',
      '',
    ];
    const file = await tmp.write('socratic.yaml', lines.join('\n'));
    await assertConfigError(file, [`${file}:12: loop.k: expected a number, got "x"`]);
  });

  it('relative names in messages stay as the user wrote them', async () => {
    await tmp.write('relative.yaml', 'rounds: 0\n');
    const relative = path.relative(process.cwd(), tmp.path('relative.yaml'));
    await assertConfigError(relative, [`${relative}:1: rounds: expected a number > 0, got 0`]);
  });

  it('reports every problem, in file order, with nested and list paths', async () => {
    const file = await tmp.write(
      'many.yaml',
      [
        'roles:',
        '  solver:',
        '    topP: 3', // 3
        '    model:', // 4
        'loop:',
        '  judgePolicy: nope', // 6
        '  k: 1.5', // 7
        'serving:',
        '  solver:', // 9
        '    mode: command',
        '  generator:',
        '    mode: carrier-pigeon', // 12
        'evaluation:',
        '  benchmarks:',
        '    - name: math500',
        '      path: m.json',
        '    - name: gsm8k', // 17
        '',
      ].join('\n'),
    );
    await assertConfigError(file, [
      `${file}:3: roles.solver.topP: expected a number <= 1, got 3`,
      `${file}:4: roles.solver.model: expected a string, got an empty value`,
      `${file}:6: loop.judgePolicy: expected one of "rule-first", "teacher-first", "both", "rule-only", got "nope"`,
      `${file}:7: loop.k: expected an integer, got 1.5`,
      `${file}:9: serving.solver.command: expected a list, got nothing (the field is required)`,
      `${file}:12: serving.generator.mode: expected one of "static", "vllm-lora", "command", got "carrier-pigeon"`,
      `${file}:17: evaluation.benchmarks[1].path: expected a string, got nothing (the field is required)`,
    ]);
  });

  it('rejects unknown keys, at their own line', async () => {
    const file = await tmp.write('unknown.yaml', 'colour: red\nloop:\n  k: 4\n  kk: 3\n');
    await assertConfigError(file, [
      `${file}:1: colour: unknown key`,
      `${file}:4: loop.kk: unknown key`,
    ]);
  });

  it('names the line of YAML syntax errors and non-mapping documents', async () => {
    const broken = await tmp.write('broken.yaml', 'rounds: 2\nloop:\n  k: [1, 2\n  seeds: x\n');
    await assert.rejects(loadConfig(broken), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, new RegExp(`^${escapeRegExp(broken)}:\\d+: YAML syntax error: `));
      assert.ok((error.problems[0]?.line ?? 0) >= 3, error.message);
      return true;
    });
    const duplicate = await tmp.write('duplicate.yaml', 'rounds: 2\nseed: 1\nrounds: 3\n');
    await assertConfigError(duplicate, [
      `${duplicate}:3: YAML syntax error: Map keys must be unique`,
    ]);
    const list = await tmp.write('list.yaml', '- rounds: 2\n');
    await assertConfigError(list, [`${list}:1: expected a mapping of config sections, got a list`]);
    const absent = tmp.path('absent.yaml');
    await assertConfigError(absent, [`${absent}: cannot read the config file (ENOENT)`]);
  });

  it('resolves relative paths against the config file directory', async () => {
    await mkdir(tmp.path('project'), { recursive: true });
    const file = await tmp.write(
      'project/socratic.yaml',
      [
        'stateDir: state',
        'loop: { seeds: ../data/seeds.jsonl }',
        'evaluation:',
        '  benchmarks: [{ name: m, path: bench/m.json }, { name: abs, path: /data/abs.jsonl }]',
        '  decontaminate: [extra.jsonl]',
        'trainer: { solver: { outputRoot: models } }',
        'temporal: { tls: { certPath: tls/c.pem, keyPath: tls/k.pem } }',
        '',
      ].join('\n'),
    );
    const { config } = await loadConfig(file);
    const dir = tmp.path('project');
    assert.equal(config.stateDir, path.join(dir, 'state'));
    assert.equal(config.loop.seeds, tmp.path('data', 'seeds.jsonl'));
    assert.deepEqual(config.evaluation.benchmarks, [
      { name: 'm', path: path.join(dir, 'bench', 'm.json') },
      { name: 'abs', path: '/data/abs.jsonl' },
    ]);
    assert.deepEqual(config.evaluation.decontaminate, [path.join(dir, 'extra.jsonl')]);
    assert.equal(config.trainer.solver.outputRoot, path.join(dir, 'models'));
    assert.equal(config.trainer.generator.outputRoot, undefined);
    const tls = typeof config.temporal.tls === 'object' ? config.temporal.tls : undefined;
    assert.equal(tls?.certPath, path.join(dir, 'tls', 'c.pem'));
    assert.equal(tls?.caPath, undefined);
  });

  it('keeps "lab" as it is', async () => {
    const file = await tmp.write(
      'lab.yaml',
      'loop: { seeds: lab }\nevaluation: { benchmarks: lab }\n',
    );
    const { config } = await loadConfig(file);
    assert.equal(config.loop.seeds, 'lab');
    assert.equal(config.evaluation.benchmarks, 'lab');
  });

  it('applies overrides over the file; a stateDir override is relative to the cwd', async () => {
    const file = await tmp.write('overridden.yaml', 'stateDir: state\nrounds: 2\nseed: 5\n');
    const plain = await loadConfig(file);
    const { config, hash } = await loadConfig(file, { stateDir: 'elsewhere', rounds: 7, seed: 0 });
    assert.equal(config.stateDir, path.resolve('elsewhere'));
    assert.equal(config.rounds, 7);
    assert.equal(config.seed, 0);
    assert.notEqual(hash, plain.hash);
    await assert.rejects(loadConfig(file, { rounds: 0 }), /--rounds: expected a number > 0, got 0/);
    await assert.rejects(loadConfig(file, { seed: 1.5 }), /--seed: expected an integer, got 1.5/);
  });

  it('hashes the resolved config: stable, blind to key order and comments, moved by content', async () => {
    const a = await loadConfig(
      await tmp.write('a.yaml', 'rounds: 2\nloop: { k: 4, batchSize: 8 }\n'),
    );
    const again = await loadConfig(tmp.path('a.yaml'));
    const reordered = await loadConfig(
      await tmp.write('b.yaml', '# same, reordered\nloop:\n  batchSize: 8\n  k: 4\nrounds: 2\n'),
    );
    const changed = await loadConfig(
      await tmp.write('c.yaml', 'rounds: 2\nloop: { k: 5, batchSize: 8 }\n'),
    );
    assert.equal(again.hash, a.hash);
    assert.equal(reordered.hash, a.hash);
    assert.notEqual(changed.hash, a.hash);
  });

  it('canonical JSON sorts keys at every level and keeps list order', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [3, 1], c: null } }),
      '{"a":{"c":null,"d":[3,1]},"b":1}',
    );
    assert.equal(canonicalJson({ a: undefined, b: 2 }), '{"b":2}');
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
