// The public math data beside the repository (`../shared/data`, read-only, never copied
// in), read by the tests and the verifier benchmark. SOCRATIC_SHARED_DATA points elsewhere.
import path from 'node:path';

export const SHARED_DATA =
  process.env.SOCRATIC_SHARED_DATA ?? path.resolve(__dirname, '..', '..', 'shared', 'data');
