// The public math data beside the repository (`../shared/data`, read-only, never copied
// in), read by the full-corpus tests and the verifier benchmark. SOCRATIC_SHARED_DATA points
// elsewhere. A clone has no such folder: its tests read the excerpts under FIXTURE_DATA.
import { existsSync } from 'node:fs';
import path from 'node:path';

// This module is data/shared-data.ts, or dist/data/shared-data.js once compiled.
const REPO_ROOT = path.resolve(__dirname, __filename.endsWith('.js') ? '../..' : '..');

export const SHARED_DATA =
  process.env.SOCRATIC_SHARED_DATA ?? path.resolve(REPO_ROOT, '..', 'shared', 'data');

/** Excerpts of every file in SHARED_DATA, same layout (test/fixtures/data/README.md). */
export const FIXTURE_DATA = path.join(REPO_ROOT, 'test', 'fixtures', 'data');

/** Test files that read the whole of SHARED_DATA: npm test runs them only when it is present. */
export const SHARED_DATA_SUITE = /\.shared-data\.test\.ts$/;

export function sharedDataPresent(): boolean {
  return existsSync(SHARED_DATA);
}

/** A file of SHARED_DATA; a clear error when the folder is missing. */
export function sharedDataFile(relative: string): string {
  if (!sharedDataPresent())
    throw new Error(
      `${SHARED_DATA} does not exist: this suite reads the full public data (see ` +
        'test/fixtures/data/README.md); set SOCRATIC_SHARED_DATA to where it is.',
    );
  return path.join(SHARED_DATA, relative);
}
