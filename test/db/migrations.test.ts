// Opening a database runs drizzle's migrator only when the schema is behind the migrations
// folder: an open that finds it current (most of them) skips its DDL and transaction.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { type Database, MIGRATIONS_DIR, migrateIfBehind, openDatabase } from '../../db/client';
import { tempDir } from '../support/cli';

/** Whether migrateIfBehind asked for the migrator on db, given that migrations folder. */
async function asksToMigrate(db: Database, folder = MIGRATIONS_DIR): Promise<boolean> {
  let asked = false;
  await migrateIfBehind(
    db,
    async () => {
      asked = true;
    },
    folder,
  );
  return asked;
}

test('the migrator runs on a new database, and not again once the schema is current', async () => {
  const dataDir = path.join(tempDir(), 'pgdata');
  const handle = await openDatabase({ dataDir });
  try {
    // openDatabase migrated it: the tables are there and every migration is recorded.
    await handle.db.execute(sql`select count(*) from runs`);
    const journal = JSON.parse(
      readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8'),
    );
    const applied = (await handle.db.execute(
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    )) as unknown as { rows: { n: number }[] };
    assert.equal(applied.rows[0]?.n, journal.entries.length);
    assert.equal(await asksToMigrate(handle.db), false);

    // A database one migration behind (its newest record gone) is migrated.
    await handle.db.execute(
      sql`delete from drizzle.__drizzle_migrations where created_at = (select max(created_at) from drizzle.__drizzle_migrations)`,
    );
    assert.equal(await asksToMigrate(handle.db), true);
  } finally {
    await handle.close();
  }
});

test('a migrations folder with a newer migration, or a rewritten newest one, asks for the migrator', async () => {
  const handle = await openDatabase({ dataDir: path.join(tempDir(), 'pgdata') });
  try {
    const folder = path.join(tempDir(), 'migrations');
    cpSync(MIGRATIONS_DIR, folder, { recursive: true });
    const journalPath = path.join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
    const newest = journal.entries.at(-1);
    assert.equal(await asksToMigrate(handle.db, folder), false, 'the copy is current');

    // Same time, other content (as when migrations are regenerated): not the applied one.
    const newestSql = path.join(folder, `${newest.tag}.sql`);
    writeFileSync(newestSql, `${readFileSync(newestSql, 'utf8')}\n-- regenerated\n`);
    assert.equal(await asksToMigrate(handle.db, folder), true);

    cpSync(path.join(MIGRATIONS_DIR, `${newest.tag}.sql`), newestSql);
    writeFileSync(path.join(folder, '9999_next.sql'), 'select 1;');
    journal.entries.push({
      ...newest,
      idx: newest.idx + 1,
      when: newest.when + 1,
      tag: '9999_next',
    });
    writeFileSync(journalPath, JSON.stringify(journal));
    assert.equal(await asksToMigrate(handle.db, folder), true);
  } finally {
    await handle.close();
  }
});
