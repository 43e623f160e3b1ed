// Processes as Linux shows them: one /proc parser and one liveness check for the
// trainer runner, the dev server and the file locks alike.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcEntry {
  pid: number;
  ppid: number;
  pgid: number;
  /** R, S, D, Z (zombie: exited, waiting to be reaped), … */
  state: string;
  /** Start time in clock ticks since boot: tells a process from a later one reusing its pid. */
  start: string;
  /** CPU time used so far by all its threads, user plus system, in clock ticks (benchmarks). */
  cpuTicks: number;
}

/** /proc/<pid>/stat; the name in parens may itself contain spaces and parens. */
export function readProcStat(pid: number | string): ProcEntry | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      pid: Number(pid),
      state: fields[0] ?? '',
      ppid: Number(fields[1]),
      pgid: Number(fields[2]),
      start: fields[19] ?? '',
      cpuTicks: Number(fields[11]) + Number(fields[12]),
    };
  } catch {
    return undefined;
  }
}

export function readProcTable(): ProcEntry[] {
  if (process.platform !== 'linux') return [];
  const entries: ProcEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const entry = readProcStat(name);
    if (entry) entries.push(entry);
  }
  return entries;
}

/**
 * True when a process with this pid runs. A zombie counts as gone (a killed child stays
 * one until Node reaps it); EPERM means it exists but belongs to someone else.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (process.platform !== 'linux') return true;
  const entry = readProcStat(pid);
  return entry === undefined ? false : entry.state !== 'Z';
}

/** Sends a signal to every process in the group; false when the group is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** Resolves true once the process is gone, or false after timeoutMs. */
export async function waitForProcessExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

/** The command line of a running process, or undefined when it cannot be read. */
export function processCommandLine(pid: number): string | undefined {
  try {
    if (process.platform === 'linux') {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    }
    const out = execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
    return out.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Resolves on the first SIGINT or SIGTERM (Ctrl-C, `kill`), for servers that run until then. */
export function untilInterrupted(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
