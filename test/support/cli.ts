// Runs the real `socratic` command as a subprocess, as a user would.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXPORTS, exportRows } from '../../cli/export';
import { findRun } from '../../cli/runs';
import { openDatabase } from '../../db/client';

export const REPO = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'socratic.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): ChildProcess & { output: Promise<CliResult> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const output = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return Object.assign(child, { output });
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return spawnCli(args, env).output;
}

export function tempDir(prefix = 'socratic-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A small, fast loop on the simulated lab; `extra` is appended YAML. */
export function writeSmallConfig(
  dir: string,
  extra = '',
  { evalProblems = 24, rounds = 2, latencyMs = 100 } = {},
): string {
  const file = path.join(dir, 'socratic.yaml');
  writeFileSync(
    file,
    `stateDir: ./state
rounds: ${rounds}
seed: 3
loop:
  k: 4
  batchSize: 8
lab:
  seedProblems: 24
  evalProblems: ${evalProblems}
  malformedJsonRate: 0.2
  latencyMs: ${latencyMs}
evaluation:
  samples: 2
${extra}`,
  );
  return file;
}

/** The JSON lines a `--json` run printed. */
export function events(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

export async function exportJsonl(
  configFile: string,
  what: string,
): Promise<Record<string, unknown>[]> {
  const result = await runCli(['export', '--config', configFile, '--what', what]);
  if (result.code !== 0) throw new Error(`export ${what} failed: ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/**
 * Every export of the latest run, read in-process (faster than one CLI call per kind), from
 * the state dir's PGlite database or from PostgreSQL when databaseUrl is given.
 */
export async function exportAll(
  stateDir: string,
  databaseUrl?: string,
): Promise<Record<string, object[]>> {
  const database = await openDatabase({
    dataDir: path.join(stateDir, 'pgdata'),
    url: databaseUrl,
  });
  try {
    const run = await findRun(database.db, 'latest');
    if (!run) throw new Error(`no run in ${stateDir}`);
    const all: Record<string, object[]> = {};
    for (const what of EXPORTS) all[what] = await exportRows(database.db, run.id, what);
    return all;
  } finally {
    await database.close();
  }
}
