// The example config `socratic init` writes: it covers every setting, loads, and equals
// the defaults; init refuses to overwrite a file unless --force.
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { parse } from 'yaml';
import { exampleConfigYaml, initConfigCommand } from '../../config/example';
import { loadConfig, parseConfigYaml, resolveConfigPaths } from '../../config/load';
import { Config } from '../../config/schema';
import { useTempDir } from './temp-dir';

/** Dotted paths of every leaf (lists and empty mappings count as leaves). */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  const entries = Object.entries(value);
  if (entries.length === 0) return [prefix];
  return entries.flatMap(([key, inner]) => leafPaths(inner, prefix ? `${prefix}.${key}` : key));
}

describe('exampleConfigYaml', () => {
  const tmp = useTempDir('config-example-');

  it('parses to exactly the defaults', () => {
    assert.deepEqual(parseConfigYaml(exampleConfigYaml(), 'example'), Config.parse({}));
  });

  it('writes out every default setting, not just relies on them', () => {
    const written = new Set(leafPaths(parse(exampleConfigYaml())));
    const missing = leafPaths(Config.parse({})).filter((leaf) => !written.has(leaf));
    assert.deepEqual(missing, []);
  });

  it('explains itself: every top-level section is there, with comments', () => {
    const yaml = exampleConfigYaml();
    for (const section of Object.keys(Config.shape)) {
      assert.match(yaml, new RegExp(`^#? ?${section}:`, 'm'), `section ${section}`);
    }
    assert.ok(yaml.split('\n').filter((line) => line.includes('#')).length > 40);
  });

  it('loads from a file as the defaults resolved against its folder', async () => {
    const file = await tmp.write('socratic.yaml', exampleConfigYaml());
    const loaded = await loadConfig(file);
    assert.deepEqual(loaded.config, resolveConfigPaths(Config.parse({}), path.dirname(file)));
  });
});

describe('initConfigCommand', () => {
  const tmp = useTempDir('config-init-');

  function quiet(t: TestContext) {
    t.mock.method(console, 'log', () => {});
    t.mock.method(console, 'error', () => {});
  }

  it('writes the example, refuses to overwrite, and overwrites with --force', async (t) => {
    quiet(t);
    const out = tmp.path('socratic.yaml');
    assert.equal(await initConfigCommand(['--out', out]), 0);
    assert.equal(await readFile(out, 'utf8'), exampleConfigYaml());

    await tmp.write('socratic.yaml', 'rounds: 9\n');
    assert.equal(await initConfigCommand(['--out', out]), 1);
    assert.equal(await readFile(out, 'utf8'), 'rounds: 9\n');

    assert.equal(await initConfigCommand([`--out=${out}`, '--force']), 0);
    assert.equal(await readFile(out, 'utf8'), exampleConfigYaml());
  });

  it('writes socratic.yaml in the current directory by default', async (t) => {
    quiet(t);
    const cwd = process.cwd();
    await mkdir(tmp.path('fresh'));
    process.chdir(tmp.path('fresh'));
    try {
      assert.equal(await initConfigCommand([]), 0);
      assert.equal(await readFile(tmp.path('fresh', 'socratic.yaml'), 'utf8'), exampleConfigYaml());
    } finally {
      process.chdir(cwd);
    }
  });

  it('rejects unknown arguments and a missing --out value', async (t) => {
    quiet(t);
    assert.equal(await initConfigCommand(['--bogus']), 2);
    assert.equal(await initConfigCommand(['--out']), 2);
  });
});
