import { existsSync } from 'node:fs';
import path from 'node:path';

/** The read-only public data folder beside the repository (never copied into it). */
export const SHARED_DATA =
  process.env.SOCRATIC_SHARED_DATA ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'data');

export const hasSharedData = existsSync(SHARED_DATA);
