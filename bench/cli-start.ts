// Benchmark (not a test): how fast the compiled `socratic` answers. Median wall and CPU
// (user + sys) time of `--help`, `verify`, `status` and `export` over a few runs each, beside
// `node -e 0` and opening the state directory's database alone (the floor for status and
// export on PGlite). Run: npm run bench:cli [-- --state-dir DIR] [--runs N]
//
// status and export read the state directory that `npm start` leaves (.socratic); without a
// run there, a 1-round lab run is made first in a temporary directory.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'socratic.js');
const CPU_HOOK = path.join(__dirname, 'cpu-time.cjs');

const { values } = parseArgs({
  options: { 'state-dir': { type: 'string' }, runs: { type: 'string', default: '5' } },
});
const RUNS = Number(values.runs);

interface Timing {
  wallMs: number;
  cpuMs: number;
}

/** One run of `node args`: wall time here, CPU time as the child reports it on exit. */
function timeOnce(args: string[]): Timing {
  const cpuFile = path.join(scratch, 'cpu.json');
  rmSync(cpuFile, { force: true });
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--require', CPU_HOOK, ...args], {
    cwd: ROOT,
    env: { ...process.env, BENCH_CPU_FILE: cpuFile },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0)
    throw new Error(`node ${args.join(' ')} exited with ${result.status}:\n${result.stderr}`);
  const { user, system } = JSON.parse(readFileSync(cpuFile, 'utf8'));
  return { wallMs, cpuMs: (user + system) / 1000 };
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function measure(label: string, args: string[]) {
  timeOnce(args); // warms the file cache
  const runs = Array.from({ length: RUNS }, () => timeOnce(args));
  const wall = median(runs.map((r) => r.wallMs));
  const cpu = median(runs.map((r) => r.cpuMs));
  console.log(
    `${label.padEnd(48)} ${(wall / 1000).toFixed(2).padStart(6)} s ${(cpu / 1000).toFixed(2).padStart(8)} s`,
  );
}

function socratic(args: string[], what: string) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`socratic ${what} failed (${result.status})`);
}

/** Whether socratic status finds a run in stateDir. */
function hasRun(stateDir: string): boolean {
  if (!existsSync(path.join(stateDir, 'pgdata'))) return false;
  const result = spawnSync(process.execPath, [BIN, 'status', '--state-dir', stateDir, '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return result.status === 0 && (JSON.parse(result.stdout).runs?.length ?? 0) > 0;
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'socratic-bench-cli-'));

async function main() {
  await require('../scripts/build.js').build();
  let stateDir = path.resolve(values['state-dir'] ?? path.join(ROOT, '.socratic'));
  let made = false;
  if (!hasRun(stateDir)) {
    if (values['state-dir']) throw new Error(`no run in ${stateDir}`);
    stateDir = path.join(scratch, 'state');
    console.log(`no run in .socratic: making a 1-round lab run in ${stateDir} first`);
    socratic(['run', '--rounds', '1', '--state-dir', stateDir], 'run');
    made = true;
  }
  try {
    const s = ['--state-dir', stateDir];
    const openDatabase = `require(${JSON.stringify(path.join(ROOT, 'dist', 'db', 'client.js'))})
      .openDatabase({ dataDir: ${JSON.stringify(path.join(stateDir, 'pgdata'))}, brief: true })
      .then((d) => d.close())`;
    console.log(
      `\nmedian of ${RUNS} runs, ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}`,
    );
    console.log(`${''.padEnd(48)}   wall   CPU (user + sys)`);
    measure('node -e 0', ['-e', '0']);
    measure('socratic --help', [BIN, '--help']);
    measure('socratic verify --gold 1/2 --pred 0.5', [
      BIN,
      'verify',
      '--gold',
      '1/2',
      '--pred',
      '0.5',
    ]);
    measure('socratic status', [BIN, 'status', ...s]);
    measure('socratic export --what problems', [BIN, 'export', '--what', 'problems', ...s]);
    measure('socratic export --what attempts', [BIN, 'export', '--what', 'attempts', ...s]);
    measure('opening the database alone (PGlite: the floor)', ['-e', openDatabase]);
  } finally {
    if (made) socratic(['server', 'stop', '--state-dir', stateDir], 'server stop');
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
