import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from '../system/processes';

export interface FileLockOptions {
  /** Give up waiting for another holder after this long. */
  timeoutMs: number;
  /** Called once when we start waiting for another process. */
  onWait?: (holderPid: number) => void;
}

/** Another live process holds the lock (and we stopped waiting for it). */
export class FileLockHeldError extends Error {
  constructor(
    readonly lockPath: string,
    readonly holderPid: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs fn while holding an exclusive lock file (created with O_EXCL, holding the owner's pid).
 * A lock left behind by a dead process (e.g. one killed with kill -9) is taken over.
 */
export async function withFileLock<T>(
  lockPath: string,
  options: FileLockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const release = await acquireFileLock(lockPath, options);
  try {
    return await fn();
  } finally {
    await release();
  }
}

/**
 * Takes the lock file and returns its release: the file appears atomically with our pid in
 * it, and a stale one is removed only if it still names the dead holder when re-read.
 * Waits up to timeoutMs for a live holder (0: fail at once with FileLockHeldError).
 */
export async function acquireFileLock(
  lockPath: string,
  options: FileLockOptions,
): Promise<() => Promise<void>> {
  lockPath = resolve(lockPath);
  await acquire(lockPath, options);
  heldHere.add(lockPath);
  return async () => {
    if (!heldHere.delete(lockPath)) return;
    await rm(lockPath, { force: true });
  };
}

// Locks this process holds now: a lock file naming our own pid but not in here is a leftover
// from an earlier process that had the same pid (e.g. pid 1 in a restarted container).
const heldHere = new Set<string>();

async function acquire(lockPath: string, options: FileLockOptions): Promise<void> {
  await mkdir(dirname(lockPath), { recursive: true });
  const deadline = Date.now() + options.timeoutMs;
  let warned = false;
  for (;;) {
    if (await tryCreate(lockPath)) return;
    const holder = await readHolderPid(lockPath);
    if (holder === undefined) {
      // Released between our two calls, or a file without a pid (torn by an older version): stale.
      if ((await readFile(lockPath, 'utf8').catch(() => '1')).trim() === '')
        await rm(lockPath, { force: true });
      continue;
    }
    const holderGone = holder === process.pid ? !heldHere.has(lockPath) : !isProcessAlive(holder);
    if (holderGone) {
      // Re-read right before removing so we do not delete a lock a rival took over meanwhile.
      if ((await readHolderPid(lockPath)) === holder) await rm(lockPath, { force: true });
      continue;
    }
    if (!warned) {
      options.onWait?.(holder);
      warned = true;
    }
    if (Date.now() >= deadline) {
      throw new FileLockHeldError(
        lockPath,
        holder,
        `Timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for the lock ${lockPath} held by pid ${holder}. ` +
          'If that process is stuck, stop it or delete the lock file.',
      );
    }
    await sleep(200);
  }
}

// Write the pid to a private file and hard-link it into place: the lock never exists half-written.
async function tryCreate(lockPath: string): Promise<boolean> {
  const draft = `${lockPath}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(draft, `${process.pid}\n`);
  try {
    await link(draft, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(draft, { force: true });
  }
}

async function readHolderPid(lockPath: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(lockPath, 'utf8')).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
