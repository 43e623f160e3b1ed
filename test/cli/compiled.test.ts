// The compiled `socratic` (dist/, built by npm install and by npm test before the tests):
// commands load only what they use, workers use the workflow bundle made at build time
// while it matches its inputs, and a missing build is named.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { REPO } from '../support/cli';

const DIST = path.join(REPO, 'dist');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'socratic-compiled-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs script in a fresh node; returns what it printed on stdout, parsed as JSON. */
function nodeJson(script: string): unknown {
  const result = spawnSync(process.execPath, ['-e', script], { cwd: REPO, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!);
}

const HEAVY = [
  '@temporalio/client',
  '@temporalio/worker',
  'drizzle-orm',
  '@electric-sql/pglite',
  'openai',
  // The config schema's validator: these commands read no config.
  'zod',
];

for (const argv of [['--help'], ['verify', '--gold', '1/2', '--pred', '0.5']]) {
  test(`socratic ${argv[0]} loads none of the Temporal, database or LLM clients, nor zod`, () => {
    const loaded = nodeJson(`
      const log = console.log;
      console.log = () => {};
      require(${JSON.stringify(path.join(DIST, 'cli', 'main.js'))})
        .main(${JSON.stringify(argv)})
        .then((code) => log(JSON.stringify({ code, modules: Object.keys(require.cache) })));
    `) as { code: number; modules: string[] };
    assert.equal(loaded.code, 0);
    for (const name of HEAVY)
      assert.ok(
        !loaded.modules.some((m) => m.includes(`/node_modules/${name}/`)),
        `${name} was loaded`,
      );
  });
}

const CLIENTS = [
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/workflow',
  '@temporalio/activity',
  'openai',
];

for (const argv of [['status'], ['export', '--what', 'models']]) {
  test(`socratic ${argv[0]} reads the database without the Temporal or LLM clients`, () => {
    const stateDir = path.join(scratch, `state-${argv[0]}`);
    const loaded = nodeJson(`
      const log = console.log;
      console.log = console.error = () => {};
      require(${JSON.stringify(path.join(DIST, 'cli', 'main.js'))})
        .main(${JSON.stringify([...argv, '--state-dir', stateDir])})
        .then((code) => log(JSON.stringify({ code, modules: Object.keys(require.cache) })));
    `) as { code: number; modules: string[] };
    // status: no runs yet; export: no run to export. Both opened the database to say so.
    assert.equal(loaded.code, argv[0] === 'status' ? 0 : 1);
    assert.ok(loaded.modules.some((m) => m.includes('/node_modules/@electric-sql/pglite/')));
    for (const name of CLIENTS)
      assert.ok(
        !loaded.modules.some((m) => m.includes(`/node_modules/${name}/`)),
        `${name} was loaded`,
      );
    // A brief open keeps PGlite in the process: starting its thread would cost more.
    assert.ok(
      !loaded.modules.some((m) => m.endsWith(`${path.sep}db${path.sep}pglite-client.js`)),
      'the PGlite thread was started',
    );
  });
}

test('a compiled worker takes the prebuilt workflow bundle, and bundles anew once an input changed', () => {
  // A copy of dist/ and package.json beside a link to node_modules: the bundle's inputs
  // resolve as in the repository.
  const root = path.join(scratch, 'copy');
  mkdirSync(root);
  cpSync(DIST, path.join(root, 'dist'), { recursive: true });
  cpSync(path.join(REPO, 'package.json'), path.join(root, 'package.json'));
  symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'));
  const module = path.join(root, 'dist', 'workers', 'workflow-bundle.js');
  const workflowCode = () =>
    nodeJson(`console.log(JSON.stringify(require(${JSON.stringify(module)}).workflowCode()))`);

  assert.deepEqual(workflowCode(), {
    workflowBundle: { codePath: path.join(root, 'dist', 'workflow-bundle.js') },
  });
  appendFileSync(path.join(root, 'dist', 'workflows', 'round.js'), '\n// changed\n');
  assert.deepEqual(workflowCode(), {
    workflowsPath: path.join(root, 'dist', 'workflows', 'index.js'),
  });
});

test('without a build, socratic says how to make one', () => {
  const bin = path.join(scratch, 'bare', 'bin');
  mkdirSync(bin, { recursive: true });
  cpSync(path.join(REPO, 'bin', 'socratic.js'), path.join(bin, 'socratic.js'));
  assert.ok(!existsSync(path.join(scratch, 'bare', 'dist')));
  const result = spawnSync(process.execPath, [path.join(bin, 'socratic.js'), '--help'], {
    encoding: 'utf8',
  });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /dist\/cli\/main\.js is missing: build it with `npm run build`/);
});
