// A pid lock file: one process per PGlite data directory. It is taken atomically, and a
// lock left by a killed process is taken over, so kill -9 never blocks the next start.
import path from 'node:path';
import { acquireFileLock, FileLockHeldError } from '../temporal/file-lock';

export class DirectoryLockedError extends Error {}

export async function acquireDirectoryLock(dir: string): Promise<() => Promise<void>> {
  try {
    return await acquireFileLock(path.join(dir, 'socratic.lock'), { timeoutMs: 0 });
  } catch (error) {
    if (!(error instanceof FileLockHeldError)) throw error;
    throw new DirectoryLockedError(
      `the database in ${dir} is in use by process ${error.holderPid} (a running \`socratic run\`?); ` +
        'PGlite allows one process at a time: stop it, or use PostgreSQL (DATABASE_URL) for several processes',
    );
  }
}
