import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { ProgressEvent, TrainerResult } from '../../contracts/trainer';
import { InvalidManifestError, readManifest } from './manifest-file';
import { anyAlive, ProcessTree, terminateProcesses } from './process-group';
import { classifyExitCode, TrainerFailure } from './trainer-failure';

export interface RunTrainerOptions {
  /** argv of the trainer; `--manifest <manifestPath>` is appended. Never run through a shell. */
  command: string[];
  manifestPath: string;
  /** Abort ⇒ SIGTERM to the process group, SIGKILL after gracePeriodMs; rejects with signal.reason once nothing is left running. */
  signal?: AbortSignal;
  gracePeriodMs?: number;
  /** Each valid protocol line from stdout. */
  onEvent?: (event: ProgressEvent) => void;
  /** Every other non-empty stdout line. */
  onLog?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_GRACE_MS = 10_000;
const STDERR_TAIL_CHARS = 4096;
/** How long to wait for stdout to drain once the group is gone (a process outside the group may hold the pipe). */
const DRAIN_MS = 2_000;
/** How often to note the trainer's descendants, so that orphans are still known after their parent dies. */
const TREE_REFRESH_MS = 1_000;

export function resultPath(outputDir: string): string {
  return resolve(outputDir, 'result.json');
}

/** A protocol line, or undefined for anything else (logs, garbage, half-valid JSON). */
export function parseProgressLine(line: string): ProgressEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = ProgressEvent.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** Runs one trainer process to completion; see SPEC §5 for the contract. */
export async function runTrainer(opts: RunTrainerOptions): Promise<TrainerResult> {
  const [file, ...args] = opts.command;
  if (!file) {
    throw new TrainerFailure({
      type: 'TrainerBadConfig',
      retryable: false,
      message: 'trainer command is empty',
    });
  }
  let manifest: Awaited<ReturnType<typeof readManifest>>;
  try {
    manifest = await readManifest(opts.manifestPath);
  } catch (err) {
    if (!(err instanceof InvalidManifestError)) throw err;
    throw new TrainerFailure({
      type: 'TrainerBadConfig',
      retryable: false,
      message: err.message,
      cause: err,
    });
  }
  opts.signal?.throwIfAborted();

  // Stops the run for an outside abort or a failing callback; the first reason wins.
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort(opts.signal?.reason);

  const child = spawn(file, [...args, '--manifest', opts.manifestPath], {
    detached: true, // own process group: one kill(-pgid) reaches launcher children too
    stdio: ['ignore', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolveExit, rejectExit) => {
      child.once('error', rejectExit);
      child.once('exit', (code, signal) => resolveExit({ code, signal }));
    },
  );
  exited.catch(() => {}); // a spawn error is reported below, not as an unhandled rejection
  try {
    await new Promise<void>((resolveSpawn, rejectSpawn) => {
      child.once('spawn', resolveSpawn);
      child.once('error', rejectSpawn);
    });
  } catch (err) {
    throw new TrainerFailure({
      type: 'TrainerBadConfig',
      retryable: false,
      message: `could not start trainer ${JSON.stringify(file)}: ${(err as Error).message}`,
      cause: err,
    });
  }
  const pgid = child.pid!;
  const tree = new ProcessTree(pgid);
  const treeRefresh = setInterval(() => tree.refresh(), TREE_REFRESH_MS);
  treeRefresh.unref();

  let stopping: Promise<boolean> | undefined;
  const gracePeriodMs = opts.gracePeriodMs ?? DEFAULT_GRACE_MS;
  stop.signal.addEventListener('abort', () => {
    stopping = terminateProcesses(pgid, gracePeriodMs, tree);
  });
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (opts.signal?.aborted) onOuterAbort();

  const callback = <T>(fn: ((value: T) => void) | undefined, value: T) => {
    if (!fn || stop.signal.aborted) return;
    try {
      fn(value);
    } catch (err) {
      stop.abort(err);
    }
  };

  const lines = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
  const stdoutClosed = new Promise<void>((r) => lines.once('close', r));
  lines.on('line', (line) => {
    const event = parseProgressLine(line);
    if (event) callback(opts.onEvent, event);
    else if (line.trim() !== '') callback(opts.onLog, line);
  });

  let stderrTail = '';
  const stderrClosed = new Promise<void>((r) => child.stderr.once('close', r));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderrTail += chunk;
    if (stderrTail.length > 2 * STDERR_TAIL_CHARS)
      stderrTail = stderrTail.slice(-STDERR_TAIL_CHARS);
  });

  let exit: { code: number | null; signal: NodeJS.Signals | null };
  try {
    exit = await exited;
    // The leader is gone; whatever it started must not outlive it.
    if (stopping) await stopping;
    else if (anyAlive(pgid, tree)) await terminateProcesses(pgid, gracePeriodMs, tree);
    await Promise.race([
      Promise.all([stdoutClosed, stderrClosed]),
      sleep(DRAIN_MS, undefined, { ref: false }),
    ]);
  } finally {
    clearInterval(treeRefresh);
    opts.signal?.removeEventListener('abort', onOuterAbort);
    lines.close();
    child.stdout.destroy();
    child.stderr.destroy();
  }

  if (stop.signal.aborted) throw stop.signal.reason ?? new Error('trainer aborted');
  stderrTail = stderrTail.slice(-STDERR_TAIL_CHARS);

  if (exit.code !== 0) {
    if (exit.code === null) {
      throw new TrainerFailure({
        type: 'TrainerFailed',
        retryable: true,
        signal: exit.signal,
        stderrTail,
        message: `trainer was killed by ${exit.signal ?? 'a signal'}`,
      });
    }
    const { type, retryable } = classifyExitCode(exit.code);
    throw new TrainerFailure({
      type,
      retryable,
      exitCode: exit.code,
      stderrTail,
      message: `trainer exited with code ${exit.code}`,
    });
  }
  return readResult(resultPath(manifest.outputDir), stderrTail);
}

/** Exit 0 is only a success with a valid result of at least one step (SPEC §5). */
async function readResult(path: string, stderrTail: string): Promise<TrainerResult> {
  const bad = (message: string, cause?: unknown) =>
    new TrainerFailure({
      type: 'TrainerBadResult',
      retryable: false,
      exitCode: 0,
      stderrTail,
      message,
      cause,
    });
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw bad(`trainer exited 0 but ${path} is missing or not JSON: ${String(err)}`, err);
  }
  if ((json as { steps?: unknown } | null)?.steps === 0) {
    throw bad(`trainer finished with zero steps (${path}); nothing was trained`);
  }
  const parsed = TrainerResult.safeParse(json);
  if (!parsed.success) throw bad(`invalid ${path}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
