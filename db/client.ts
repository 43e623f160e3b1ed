// One database handle for the process: PGlite under the state directory by default,
// PostgreSQL when a URL is given. The same drizzle migrations serve both.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { redactSecrets } from '../config/secrets';
import { acquireDirectoryLock } from './lock';
import * as schema from './schema';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  /** Where it lives, for messages: a directory or a URL without its password. */
  location: string;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = path.resolve(__dirname, '..', 'migrations');

export async function openDatabase(options: {
  url?: string;
  dataDir: string;
}): Promise<DatabaseHandle> {
  return options.url ? openPostgres(options.url) : openPglite(options.dataDir);
}

/** Key of the session-level advisory lock held while migrating ("socratic" in ASCII, cut). */
const MIGRATION_LOCK = 0x736f6372;

async function openPostgres(url: string): Promise<DatabaseHandle> {
  const { Pool } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const pool = new Pool({ connectionString: url, max: 8 });
  const db = drizzle(pool, { schema });
  // A CLI and its workers may start at once on a new database: one migrates, the others
  // wait on the lock and then find the migrations applied.
  const lock = await pool.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    lock.release();
  }
  return {
    db: db as unknown as Database,
    location: redactSecrets(url),
    close: () => pool.end(),
  };
}

async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  // PGlite corrupts a data directory opened by two processes at once: refuse the second.
  mkdirSync(dataDir, { recursive: true });
  const release = await acquireDirectoryLock(dataDir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    const client = await PGlite.create(dataDir);
    const db = drizzle(client, { schema });
    await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
    return {
      db: db as unknown as Database,
      location: dataDir,
      close: async () => {
        await client.close();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}
