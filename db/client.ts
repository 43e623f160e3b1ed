// One database handle for the process: PGlite under the state directory by default,
// PostgreSQL when a URL is given. The same drizzle migrations serve both.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
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

// The drivers are loaded when used, with require: import() would load the packages' ESM
// builds, a second drizzle-orm beside the CommonJS one the schema uses (twice the start-up).

/**
 * `brief`: the process only reads a little and exits (status, export), so PGlite starts
 * lighter: shared memory for a 16 MB buffer pool and 5 connections instead of 128 MB and 100
 * (zeroing it is most of Postgres' own start), and its WebAssembly compiled by V8's baseline
 * compiler only (optimising recompilation costs more CPU than such a process runs).
 * `thread` (default: unless brief): PGlite runs in its own worker thread, off the event loop
 * that runs activities (db/pglite-client.ts); a brief process would only pay the thread's start.
 */
export async function openDatabase(options: {
  url?: string;
  dataDir: string;
  brief?: boolean;
  thread?: boolean;
}): Promise<DatabaseHandle> {
  const brief = options.brief ?? false;
  return options.url
    ? openPostgres(options.url)
    : openPglite(options.dataDir, brief, options.thread ?? !brief);
}

/** Key of the session-level advisory lock held while migrating ("socratic" in ASCII, cut). */
const MIGRATION_LOCK = 0x736f6372;

async function openPostgres(url: string): Promise<DatabaseHandle> {
  const { Pool } = require('pg') as typeof import('pg');
  const { drizzle } =
    require('drizzle-orm/node-postgres') as typeof import('drizzle-orm/node-postgres');
  const pool = new Pool({ connectionString: url, max: 8 });
  const db = drizzle(pool, { schema });
  await migrateIfBehind(db as unknown as Database, async () => {
    const { migrate } =
      require('drizzle-orm/node-postgres/migrator') as typeof import('drizzle-orm/node-postgres/migrator');
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
  }).catch(async (error) => {
    await pool.end();
    throw error;
  });
  return {
    db: db as unknown as Database,
    location: redactSecrets(url),
    close: () => pool.end(),
  };
}

async function openPglite(
  dataDir: string,
  brief: boolean,
  thread: boolean,
): Promise<DatabaseHandle> {
  // PGlite corrupts a data directory opened by two processes at once: refuse the second.
  mkdirSync(dataDir, { recursive: true });
  const release = await acquireDirectoryLock(dataDir);
  try {
    // Only takes effect on WebAssembly compiled after it: the first PGlite of the process.
    if (brief) setFlagsFromString('--liftoff-only');
    const { PGlite } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
    const { drizzle } = require('drizzle-orm/pglite') as typeof import('drizzle-orm/pglite');
    const client = thread
      ? await (
          require('./pglite-client') as typeof import('./pglite-client')
        ).PgliteThreadClient.open(dataDir)
      : await PGlite.create({
          dataDir,
          ...(brief && {
            startParams: [
              ...PGlite.defaultStartParams,
              ...['-c', 'shared_buffers=16MB', '-c', 'max_connections=5'],
            ],
          }),
        });
    // drizzle makes no instanceof check (a class instance is not taken for its config
    // object) and calls only query() and transaction() (db/pglite-client.ts); its type
    // names PGlite only.
    const db = drizzle(client as InstanceType<typeof PGlite>, { schema });
    await migrateIfBehind(db as unknown as Database, async () => {
      const { migrate } =
        require('drizzle-orm/pglite/migrator') as typeof import('drizzle-orm/pglite/migrator');
      await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
    }).catch(async (error) => {
      await client.close();
      throw error;
    });
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

/**
 * Runs the migrations unless the last one applied is already the newest (same time and
 * content hash as drizzle records them): most opens find the schema current, and drizzle's
 * migrator would still run its DDL and a transaction each time.
 */
export async function migrateIfBehind(
  db: Database,
  migrate: () => Promise<void>,
  migrationsFolder = MIGRATIONS_DIR,
): Promise<void> {
  const newest = readMigrationFiles({ migrationsFolder }).at(-1);
  if (newest && (await lastAppliedMigration(db)) === `${newest.folderMillis}:${newest.hash}`)
    return;
  await migrate();
}

async function lastAppliedMigration(db: Database): Promise<string | undefined> {
  // Both drivers answer with { rows }.
  const rows = async <T>(query: ReturnType<typeof sql>) =>
    ((await db.execute(query)) as { rows: T[] }).rows;
  const [table] = await rows<{ present: boolean }>(
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  );
  if (!table?.present) return undefined;
  const [last] = await rows<{ hash: string; created_at: string | number }>(
    sql`select hash, created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`,
  );
  return last ? `${last.created_at}:${last.hash}` : undefined;
}
