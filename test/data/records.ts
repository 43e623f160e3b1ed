// Checks shared by the problem-file suites (excerpts and full files).
import assert from 'node:assert/strict';
import path from 'node:path';
import type { ProblemRecord } from '../../data/problem-file';

/** Every record has text, a trimmed answer and a source reference into its file. */
export function assertWellFormed(records: ProblemRecord[], file: string) {
  for (const r of records) {
    assert.ok(r.text.trim().length > 0, `${r.sourceRef}: empty text`);
    assert.ok(r.answer.length > 0 && r.answer === r.answer.trim(), `${r.sourceRef}: bad answer`);
    assert.ok(r.sourceRef.startsWith(`${path.basename(file)}`), r.sourceRef);
  }
}
