// Seeded randomness derived from content, so a replayed step draws the same numbers.
import { createHash } from 'node:crypto';

/** A uniform draw in [0, 1) fixed by the given parts. */
export function uniform(...parts: (string | number)[]): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** A stable short id for content: same parts, same id, in every process and on every replay. */
export function contentId(...parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24);
}

/** Deterministic shuffle: sort by a draw keyed on (seed, item). Independent of input order. */
export function seededShuffle<T extends string>(items: readonly T[], seed: string | number): T[] {
  return [...items]
    .map((item) => ({ item, key: uniform(seed, item) }))
    .sort((a, b) => a.key - b.key || (a.item < b.item ? -1 : 1))
    .map((x) => x.item);
}

/**
 * A run id is `<content part>-<database part>`. The content part derives from the config, so
 * the same config gives the same data (ids, splits, exports) in any database; the database
 * part is random per database, so two databases never share a run's Temporal workflows.
 * Content ids of a run's rows derive from the content part (an id without a dash, from
 * before run ids had a database part, is all content).
 */
export function runContentKey(runId: string): string {
  const dash = runId.indexOf('-');
  return dash < 0 ? runId : runId.slice(0, dash);
}
