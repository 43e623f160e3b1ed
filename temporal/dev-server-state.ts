import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../system/files';

/** What we remember about the dev server a state directory started (server.json). */
export interface DevServerRecord {
  pid: number;
  port: number;
  uiPort: number;
  cliPath: string;
  version: string;
  dbPath: string;
  startedAt: string;
}

export function devServerPaths(stateDir: string) {
  const dir = join(stateDir, 'temporal');
  return {
    dir,
    record: join(dir, 'server.json'),
    lock: join(dir, 'server.lock'),
    log: join(dir, 'server.log'),
    /** The SQLite file never migrates between CLI versions, so each version gets its own. */
    db: (version: string) => join(dir, version, 'dev.db'),
  };
}

export async function readDevServerRecord(stateDir: string): Promise<DevServerRecord | undefined> {
  let text: string;
  try {
    text = await readFile(devServerPaths(stateDir).record, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const record = JSON.parse(text) as Partial<DevServerRecord>;
    if (typeof record.pid === 'number' && typeof record.port === 'number') {
      return record as DevServerRecord;
    }
  } catch {
    // A damaged record is treated like none: we start a fresh server.
  }
  return undefined;
}

export async function writeDevServerRecord(
  stateDir: string,
  record: DevServerRecord,
): Promise<void> {
  const path = devServerPaths(stateDir).record;
  await writeFileAtomic(path, `${JSON.stringify(record, null, 2)}\n`);
}

export async function removeDevServerRecord(stateDir: string): Promise<void> {
  await rm(devServerPaths(stateDir).record, { force: true });
}

/** Dev server databases in stateDir made by CLI versions other than `version`. */
export async function otherVersionDatabases(
  stateDir: string,
  version: string,
): Promise<{ version: string; dbPath: string }[]> {
  const paths = devServerPaths(stateDir);
  const entries = await readdir(paths.dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && e.name !== version && existsSync(paths.db(e.name)))
    .map((e) => ({ version: e.name, dbPath: paths.db(e.name) }));
}
