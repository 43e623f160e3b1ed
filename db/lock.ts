// A pid lock file: one process per PGlite data directory. A lock left by a killed
// process is taken over, so kill -9 never blocks the next start.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class DirectoryLockedError extends Error {}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireDirectoryLock(dir: string): () => void {
  const file = path.join(dir, 'socratic.lock');
  for (let tries = 0; tries < 2; tries++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          unlinkSync(file);
        } catch {}
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8'));
      if (holder && holder !== process.pid && isAlive(holder))
        throw new DirectoryLockedError(
          `the database in ${dir} is in use by process ${holder} (a running \`socratic run\`?); ` +
            'PGlite allows one process at a time: stop it, or use PostgreSQL (DATABASE_URL) for several processes',
        );
      unlinkSync(file); // stale: its process is gone
    }
  }
  throw new DirectoryLockedError(`could not lock ${dir}`);
}
