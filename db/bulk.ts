// Bulk database access for hot paths (issue 11): PGlite runs every statement on the
// worker's event loop, so a query per LLM call cost more than the call's own handling.
// Reads asked for in the same turn of the event loop share one query; writes are
// committed in groups, and each caller's promise resolves only once its own rows are
// stored, so nothing paid for waits unwritten longer than a group's linger and statement.

import { getTableColumns, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Database } from './client';

type Waiter<V> = { resolve: (value: V | undefined) => void; reject: (error: unknown) => void };

/** Reads by key, the keys asked for in one turn of the event loop in one query each `maxKeys`. */
export class BatchedReads<K, V> {
  private pending = new Map<K, Waiter<V>[]>();
  private scheduled = false;

  constructor(
    private readonly read: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxKeys = 500,
  ) {}

  get(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    const keys = [...batch.keys()];
    for (let i = 0; i < keys.length; i += this.maxKeys) {
      const slice = keys.slice(i, i + this.maxKeys);
      const each = (settle: (w: Waiter<V>, k: K) => void) => {
        for (const key of slice) for (const waiter of batch.get(key)!) settle(waiter, key);
      };
      this.read(slice).then(
        (found) => each((w, k) => w.resolve(found.get(k))),
        (error: unknown) => each((w) => w.reject(error)),
      );
    }
  }
}

/**
 * How long the writes of a hot path (paid LLM calls, attempts) wait for company: short
 * beside an LLM call, and the call's concurrency slot is free meanwhile.
 */
export const HOT_PATH_LINGER_MS = 20;

interface Entry<T> {
  rows: T[];
  arrivedAt: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Rows written in groups of up to `maxRows` (one statement each), one group at a time. A
 * group waits up to `lingerMs` after its first rows for more (a statement of one row costs
 * about as much as one of sixteen), unless it is full. A caller's rows go into one group
 * whole. When a group's statement fails, its entries are written one by one, so one bad
 * entry fails only its own caller.
 */
export class GroupCommit<T> {
  private queue: Entry<T>[] = [];
  private queuedRows = 0;
  private writing = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (rows: T[]) => Promise<unknown>,
    private readonly options: { maxRows?: number; lingerMs?: number } = {},
  ) {}

  private get maxRows(): number {
    return this.options.maxRows ?? 256;
  }

  /** Resolves once `rows` are written. */
  add(rows: T[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, arrivedAt: Date.now(), resolve, reject });
      this.queuedRows += rows.length;
      this.wake();
    });
  }

  /** Starts the next group now when it is full, else once its first rows have lingered. */
  private wake(): void {
    if (this.writing || this.queue.length === 0) return;
    clearTimeout(this.timer);
    const waited = Date.now() - this.queue[0]!.arrivedAt;
    const linger = this.queuedRows >= this.maxRows ? 0 : (this.options.lingerMs ?? 0) - waited;
    // Never at once: rows that arrive in this turn of the event loop join the group.
    this.timer = setTimeout(() => void this.drain(), Math.max(0, linger));
  }

  private async drain(): Promise<void> {
    this.timer = undefined;
    this.writing = true;
    let size = this.queue[0]!.rows.length;
    let count = 1;
    while (count < this.queue.length && size + this.queue[count]!.rows.length <= this.maxRows)
      size += this.queue[count++]!.rows.length;
    const group = this.queue.splice(0, count);
    this.queuedRows -= size;
    try {
      await this.writeRows(group.flatMap((entry) => entry.rows));
      for (const entry of group) entry.resolve();
    } catch (error) {
      if (group.length === 1) group[0]!.reject(error);
      else
        for (const entry of group)
          await this.writeRows(entry.rows).then(entry.resolve, entry.reject);
    }
    this.writing = false;
    this.wake();
  }

  /** `write`, with a synchronous throw turned into a rejection. */
  private async writeRows(rows: T[]): Promise<void> {
    await this.write(rows);
  }
}

/**
 * INSERT … ON CONFLICT DO NOTHING of `rows` as one JSON parameter that the database unpacks
 * (jsonb_populate_recordset): a statement of rows × columns parameters cost the event loop
 * more to build and encode than the insert itself. The columns are those of the first row;
 * every row gives the same fields (a column left out is null, not its default).
 */
export async function insertRowsAsJson<T extends PgTable>(
  db: Database,
  table: T,
  rows: T['$inferInsert'][],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = getTableColumns(table);
  const fields = Object.keys(rows[0]!).filter((field) => field in columns);
  const names = fields.map((field) => columns[field]!.name);
  const json = JSON.stringify(
    rows.map((row) => {
      const record: Record<string, unknown> = {};
      fields.forEach((field, i) => {
        record[names[i]!] = (row as Record<string, unknown>)[field] ?? null;
      });
      return record;
    }),
  );
  const list = sql.join(
    names.map((name) => sql.identifier(name)),
    sql`, `,
  );
  await db.execute(
    sql`insert into ${table} (${list}) select ${list} from jsonb_populate_recordset(null::${table}, ${jsonText(json)}::jsonb) on conflict do nothing`,
  );
}

/**
 * JSON the database's jsonb parser takes: JSON.stringify escapes a lone surrogate (or NUL)
 * as \uXXXX, which jsonb refuses, where a text parameter would have been stored with
 * U+FFFD; so it becomes U+FFFD here too (a NUL is dropped, as cleanText does).
 */
export function jsonText(json: string): string {
  return json.replace(/(?<!\\)((?:\\\\)*)\\u(d[89a-f][0-9a-f]{2}|0000)/gi, (_, slashes, code) =>
    code === '0000' ? slashes : `${slashes}\\ufffd`,
  );
}
