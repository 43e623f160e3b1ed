#!/usr/bin/env node
// npm run build (also run by npm install and npm test): compiles the TypeScript sources into
// dist/ (tsconfig.build.json: every .ts file outside its excluded folders), copies the
// migrations beside them, and bundles the workflows once (dist/workflow-bundle.js).
// Cheap when nothing changed: a stamp of the sources' sizes and times skips all of it.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');
const dist = path.join(repoRoot, 'dist');
const stampPath = path.join(dist, '.build-stamp.json');
const buildConfig = path.join(repoRoot, 'tsconfig.build.json');

function say(message) {
  process.stderr.write(`[build] ${message}\n`);
}

/** Files under dir (relative to the repository root) whose names end with one of endings. */
function listFiles(dir, endings, skip = new Set()) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const relative = path.relative(repoRoot, full);
    if (entry.name.startsWith('.') || skip.has(relative)) continue;
    if (entry.isDirectory()) found.push(...listFiles(full, endings, skip));
    else if (endings.some((ending) => entry.name.endsWith(ending))) found.push(relative);
  }
  return found.sort();
}

function sourceFiles() {
  const { exclude } = JSON.parse(fs.readFileSync(buildConfig, 'utf8'));
  return listFiles(repoRoot, ['.ts'], new Set(exclude)).filter((f) => !f.endsWith('.d.ts'));
}

/** What the build depends on, as [path, size, mtime] rows: equal stamps, equal output. */
function stampOf(sources) {
  const inputs = [
    ...sources,
    ...listFiles(path.join(repoRoot, 'migrations'), ['']),
    'tsconfig.json',
    'tsconfig.build.json',
    'package.json',
    'package-lock.json',
    'scripts/build.js',
  ];
  return JSON.stringify(
    inputs.map((file) => {
      const stat = fs.statSync(path.join(repoRoot, file), { throwIfNoEntry: false });
      return [file, stat?.size ?? -1, stat?.mtimeMs ?? -1];
    }),
  );
}

function compile() {
  const tsc = require.resolve('typescript/bin/tsc');
  // Emit only: `npm run typecheck` (and CI) check types; the build must not wait for that.
  const result = spawnSync(process.execPath, [tsc, '-p', buildConfig, '--noCheck'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed (${result.status})`);
}

/** Compiled files whose source is gone: left alone, a deleted module would still load. */
function removeOrphans(sources) {
  const wanted = new Set(sources.map((f) => f.replace(/\.ts$/, '.js')));
  for (const dir of fs.readdirSync(dist, { withFileTypes: true })) {
    if (!dir.isDirectory() || dir.name === 'migrations') continue;
    for (const file of listFiles(path.join(dist, dir.name), ['.js'])) {
      const relative = path.relative('dist', file);
      if (!wanted.has(relative)) fs.rmSync(path.join(repoRoot, file));
    }
  }
}

/** db/client.js reads ../migrations: the compiled tree carries a copy. */
function copyMigrations() {
  const target = path.join(dist, 'migrations');
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(path.join(repoRoot, 'migrations'), target, { recursive: true });
}

async function build() {
  const started = Date.now();
  const sources = sourceFiles();
  const stamp = stampOf(sources);
  if (fs.existsSync(stampPath) && fs.readFileSync(stampPath, 'utf8') === stamp) return 'current';
  fs.rmSync(stampPath, { force: true });
  compile();
  removeOrphans(sources);
  copyMigrations();
  const bundle = await require(
    path.join(dist, 'workers', 'workflow-bundle.js'),
  ).writeWorkflowBundle();
  fs.writeFileSync(stampPath, stamp);
  say(
    `compiled ${sources.length} files into dist/${bundle === 'written' ? ', bundled the workflows' : ''} ` +
      `(${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  return 'built';
}

module.exports = { build };

if (require.main === module) {
  build().then(
    () => process.exit(0),
    (error) => {
      say(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
