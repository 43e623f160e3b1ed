// The corpus checks, run on the excerpts (corpus.test.ts) and on the full files
// (corpus.shared-data.test.ts): every reference answer of a benchmark directory is read,
// parsed, equal to itself and different from itself with a number changed.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parseAnswer } from '../../verifier/core';
import { perturb, referenceAnswers } from '../../verifier/corpus';
import { verifySync } from '../../verifier/index';

/** References that are prose with formulas inside, which no rule parser reads. */
const PROSE = 1;

export function describeCorpus(
  title: string,
  dir: () => string,
  expectedCounts: Record<string, number>,
): void {
  describe(title, () => {
    let all: Record<string, string[]> = {};
    before(async () => {
      all = await referenceAnswers(dir());
    });
    let unparsed = 0;
    for (const name of Object.keys(expectedCounts)) {
      it(`${name}: every reference is extracted, parsed and equal to itself`, () => {
        const answers = all[name]!;
        assert.equal(answers.length, expectedCounts[name]);
        const bad: string[] = [];
        for (const a of answers) {
          assert.ok(a.trim() !== '', `${name}: empty reference`);
          if (parseAnswer(a) === null) {
            unparsed++;
            bad.push(a);
          }
          const v = verifySync(a, a);
          assert.equal(v.equal, true, `${name}: ${a} vs itself: ${v.reason}`);
          const boxed = verifySync(a, `Therefore the final answer is $\\boxed{${a}}$.`);
          if (parseAnswer(a)?.kind === 'math')
            assert.equal(boxed.equal, true, `${name}: ${a} boxed: ${boxed.reason}`);
        }
        assert.ok(unparsed <= PROSE, `unparsed: ${bad.join(' | ')}`);
      });
      it(`${name}: a changed number makes it different`, () => {
        const answers = all[name]!;
        const wrong: string[] = [];
        let n = 0;
        for (const a of answers) {
          const p = perturb(a);
          if (p === null || parseAnswer(a) === null) continue;
          n++;
          const v = verifySync(a, p);
          if (v.equal !== false) wrong.push(`${a} -> ${p}: ${v.equal} ${v.reason}`);
        }
        // A few physics answers hold a derivative symbol (y') that we cannot evaluate: unknown, never equal.
        assert.ok(wrong.length <= Math.ceil(n * 0.01), wrong.join('\n'));
        assert.ok(!wrong.some((w) => w.includes(': true ')), wrong.join('\n'));
      });
    }
  });
}
