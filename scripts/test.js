#!/usr/bin/env node
// npm test: builds dist/ (scripts/build.js; cheap when nothing changed), starts one in-memory
// Temporal dev server for the whole run, then runs node's test runner on test/**/*.test.ts
// (or on the files given: npm test -- test/a.test.ts).
// Options starting with "-" are passed to the runner (e.g. --test-name-pattern=retention).

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { build } = require('./build');

// Loaded after the build (main): the compiled modules, as `socratic` runs them.
let findTemporalCli;
let stopDevServer;
let findFreePort;
let waitForTemporal;
function loadCompiledModules() {
  ({ findTemporalCli } = require('../dist/temporal/cli-binary'));
  ({ stopDevServer } = require('../dist/temporal/dev-server'));
  ({ findFreePort } = require('../dist/temporal/free-port'));
  ({ waitForTemporal } = require('../dist/temporal/server-readiness'));
}

const repoRoot = path.resolve(__dirname, '..');
const SERVER_READY_TIMEOUT_MS = 60_000;

function say(message) {
  process.stderr.write(`[npm test] ${message}\n`);
}

/** test/**\/*.test.ts, sorted, relative to the repository root. */
function findTestFiles(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTestFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) found.push(full);
  }
  return found;
}

/**
 * Every test file; the full-corpus suites (*.shared-data.test.ts) only where the shared data
 * folder is, the PostgreSQL suites (*.postgres.test.ts) only where DATABASE_URL is set.
 */
function defaultTestFiles() {
  const { SHARED_DATA, SHARED_DATA_SUITE, sharedDataPresent } = require('../dist/data/shared-data');
  let files = findTestFiles(path.join(repoRoot, 'test'))
    .map((file) => path.relative(repoRoot, file))
    .sort();
  const leftOut = (pattern, why) => {
    const left = files.filter((file) => pattern.test(file));
    if (left.length === 0) return;
    say(`${why}: leaving out ${left.join(', ')}`);
    files = files.filter((file) => !pattern.test(file));
  };
  if (!sharedDataPresent())
    leftOut(SHARED_DATA_SUITE, `no shared data at ${SHARED_DATA} (SOCRATIC_SHARED_DATA)`);
  if (!process.env.DATABASE_URL) leftOut(POSTGRES_SUITE, 'DATABASE_URL is not set');
  if (!chromiumPresent())
    leftOut(CHROMIUM_SUITE, 'no Chromium (Debian package chromium, or CHROMIUM)');
  return files;
}

/**
 * DATABASE_URL is for the PostgreSQL suites only (SOCRATIC_TEST_DATABASE_URL): the other
 * suites, and the `socratic` commands they run, use PGlite state dirs of their own.
 */
function testEnvironment() {
  const { DATABASE_URL, ...env } = process.env;
  return DATABASE_URL ? { ...env, SOCRATIC_TEST_DATABASE_URL: DATABASE_URL } : env;
}

/** Suites that render pages in headless Chromium: .ci/run installs Debian's chromium. */
const CHROMIUM_SUITE = /\.chromium\.test\.ts$/;

function chromiumPresent() {
  if (process.env.CHROMIUM) return fs.existsSync(process.env.CHROMIUM);
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir && fs.existsSync(path.join(dir, 'chromium')));
}

/** Suites that need a PostgreSQL server (DATABASE_URL): .ci/run starts one. */
const POSTGRES_SUITE = /\.postgres\.test\.ts$/;

async function startTemporal(cli, workDir) {
  const port = await findFreePort();
  const address = `127.0.0.1:${port}`;
  const logPath = path.join(workDir, 'temporal-server.log');
  const log = fs.openSync(logPath, 'a');
  // The CLI would read our TEMPORAL_* client settings as its own.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('TEMPORAL_')),
  );
  // No --db-filename: in memory, nothing to clean up. Same process group as us, so a
  // Ctrl-C in the terminal stops it too.
  const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port)];
  const server = spawn(cli, [...args, '--log-level', 'warn'], { stdio: ['ignore', log, log], env });
  fs.closeSync(log);
  let exited;
  server.on('error', (error) => {
    exited = `could not start: ${error.message}`;
  });
  server.on('exit', (code, signal) => {
    exited = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  });
  try {
    const connection = await waitForTemporal(address, {
      timeoutMs: SERVER_READY_TIMEOUT_MS,
      whyGaveUp: () => exited,
    });
    await connection.close();
  } catch (error) {
    server.kill('SIGKILL');
    const logTail = fs.readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-20).join('\n');
    throw new Error(`the test Temporal server (${address}) failed: ${error.message}\n${logTail}`);
  }
  return { server, address, isRunning: () => exited === undefined };
}

/** State dirs under root holding a dev server record (temporal/server.json). */
function findDevServerStateDirs(root) {
  const found = [];
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(root, entry.name);
    if (fs.existsSync(path.join(dir, 'temporal', 'server.json'))) found.push(dir);
    else found.push(...findDevServerStateDirs(dir));
  }
  return found;
}

function stopServer({ server, isRunning }) {
  if (!isRunning()) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => server.kill('SIGKILL'), 10_000);
    server.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    server.kill('SIGTERM');
  });
}

async function main() {
  const args = process.argv.slice(2);
  const runnerOptions = args.filter((arg) => arg.startsWith('-'));
  const requested = args.filter((arg) => !arg.startsWith('-'));
  // The tests run the `socratic` command as users do, from the compiled tree: build it first.
  await build();
  loadCompiledModules();

  const files = requested.length > 0 ? requested : defaultTestFiles();
  if (files.length === 0) {
    say('no test files found under test/');
    return 1;
  }
  const cli = await findTemporalCli({ onProgress: say });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'socratic-npm-test-'));
  let temporal;
  try {
    temporal = await startTemporal(cli, workDir);
    const runner = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-concurrency=1', ...runnerOptions, ...files],
      {
        cwd: repoRoot,
        stdio: 'inherit',
        env: {
          ...testEnvironment(),
          TEMPORAL_TEST_ADDRESS: temporal.address,
          TEMPORAL_CLI: cli,
          TEMPORAL_TEST_SCRATCH_DIR: workDir,
        },
      },
    );
    // Ctrl-C / kill: let the runner finish its own shutdown (10 s at most), then clean up below.
    const forward = (signal) => {
      runner.kill(signal);
      setTimeout(() => runner.kill('SIGKILL'), 10_000).unref();
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const [code, signal] = await new Promise((resolve) =>
      runner.on('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
    );
    if (signal) return 128 + (os.constants.signals[signal] ?? 0);
    return code ?? 1;
  } finally {
    // Quietly: the runner's summary must stay the last thing printed.
    if (temporal) await stopServer(temporal);
    // Dev servers that tests started under the scratch dir and could not stop (interrupted).
    for (const stateDir of findDevServerStateDirs(workDir)) {
      await stopDevServer(stateDir, { graceMs: 3_000 }).catch(() => {});
    }
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    say(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
