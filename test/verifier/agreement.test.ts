// MathRule against the committed labelled corpus (test/fixtures/verifier/agreement.jsonl):
// per family and overall, it must recognise ≥ 95% of equal pairs and reject ≥ 90% of
// unequal ones, and never call an unequal pair equal in more than a few cases.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifySync } from '../../verifier/core';
import { agreementByFamily, loadAgreementCorpus } from '../../verifier/corpus';

const EQUAL_GOAL = 0.95;
const UNEQUAL_GOAL = 0.9;
const FAMILIES = ['prose', 'multi', 'relations', 'matrices', 'numbers', 'notation'];

describe('agreement corpus', () => {
  const records = loadAgreementCorpus();
  const verdicts = records.map((r) => verifySync(r.gold, r.pred));
  const byFamily = agreementByFamily(
    records,
    verdicts.map((v) => v.equal),
  );
  const misses = (family: string) =>
    records
      .map((r, i) => ({ r, v: verdicts[i]! }))
      .filter(({ r, v }) => (r.family === family || family === 'all') && v.equal !== r.equal)
      .map(({ r, v }) => `${r.id}: labelled ${r.equal}, got ${v.equal} (${v.reason})`)
      .join('\n');

  it('holds at least 500 pairs, 50 per family, each with its source', () => {
    assert.ok(records.length >= 500, `${records.length} pairs`);
    for (const f of FAMILIES) {
      const n = records.filter((r) => r.family === f).length;
      assert.ok(n >= 50, `${f}: ${n} pairs`);
      assert.ok(
        records.some((r) => r.family === f && !r.equal),
        `${f}: no unequal pairs`,
      );
    }
    assert.equal(new Set(records.map((r) => r.id)).size, records.length, 'ids are unique');
  });

  for (const family of [...FAMILIES, 'all']) {
    it(`${family}: ≥ ${EQUAL_GOAL * 100}% of equal pairs recognised, ≥ ${UNEQUAL_GOAL * 100}% of unequal rejected`, () => {
      const a = byFamily.get(family)!;
      assert.ok(a.equalHit / a.equal >= EQUAL_GOAL, `${a.equalHit}/${a.equal}\n${misses(family)}`);
      assert.ok(
        a.unequalHit / a.unequal >= UNEQUAL_GOAL,
        `${a.unequalHit}/${a.unequal}\n${misses(family)}`,
      );
    });
  }

  it('calls at most 1% of unequal pairs equal (a wrong guess is worse than unknown)', () => {
    const wrong = records.filter((r, i) => !r.equal && verdicts[i]!.equal === true);
    const unequal = records.filter((r) => !r.equal).length;
    assert.ok(wrong.length <= Math.floor(unequal * 0.01), wrong.map((r) => r.id).join(', '));
  });
});
