// The full public data files (../shared/data) load as they are. Run by npm test only when
// that folder is present (SOCRATIC_SHARED_DATA points elsewhere); .ci/run requires it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadProblemFile, ProblemFileError } from '../../data/problem-file';
import { sharedDataFile } from '../../data/shared-data';

import { assertWellFormed } from './records';

const shared = sharedDataFile;

describe('the shared data files', () => {
  const counts: Record<string, number> = {
    'math/seeds_paper100.jsonl': 100,
    'bench/math500.json': 500,
    'bench/gsm8k_test.jsonl': 1319,
    'bench/aime24.jsonl': 30,
    'bench/amc23.jsonl': 40,
    'bench/minerva_math.jsonl': 272,
    'bench/olympiadbench.jsonl': 675,
  };
  for (const [file, count] of Object.entries(counts)) {
    it(`${file}: ${count} records, every one with text and an answer`, async () => {
      const records = await loadProblemFile(shared(file));
      assert.equal(records.length, count);
      assertWellFormed(records, file);
    });
  }

  it('math_train.json: 7474 records, four without an answer that strict loading names', async () => {
    const file = shared('math/math_train.json');
    await assert.rejects(loadProblemFile(file), (error: unknown) => {
      assert.ok(error instanceof ProblemFileError);
      assert.equal(error.line, 5318);
      assert.equal(error.field, 'answer');
      assert.match(error.message, /math_train\.json:5318: field "answer": .*got null/);
      return true;
    });
    const skipped: ProblemFileError[] = [];
    const records = await loadProblemFile(file, {
      skipInvalidRecords: true,
      onSkippedRecord: (error) => skipped.push(error),
    });
    // Two `"answer": null` and two `"answer": ""` records in the upstream file.
    assert.deepEqual(
      skipped.map((e) => `${e.line}:${e.field}`),
      ['5318:answer', '6056:answer', '31970:answer', '31982:answer'],
    );
    assert.equal(records.length + skipped.length, 7474);
    assertWellFormed(records, file);
    assert.equal(records[0]?.sourceRef, 'math_train.json#0');
    assert.equal(records[0]?.subject, 'Algebra');
  });

  it('seeds_paper100: levels 2-4 and the paper mix of subjects', async () => {
    const records = await loadProblemFile(shared('math/seeds_paper100.jsonl'));
    const bySubject = new Map<string, number>();
    for (const r of records) {
      assert.ok(r.difficulty !== undefined && r.difficulty >= 2 && r.difficulty <= 4);
      bySubject.set(r.subject ?? '?', (bySubject.get(r.subject ?? '?') ?? 0) + 1);
    }
    assert.equal(bySubject.get('Prealgebra'), 10);
    assert.equal(bySubject.size, 7);
    assert.equal(records[0]?.sourceRef, 'seeds_paper100.jsonl:1');
  });
});
