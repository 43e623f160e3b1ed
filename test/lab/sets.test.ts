import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { describe, it } from 'node:test';
import { TOPICS } from '../../lab/problems';
import { labEvalSet, labSeedSet, writeLabSets } from '../../lab/sets';
import { tempDir } from './helpers';

describe('lab sets', () => {
  it('the seed set spans every topic and several difficulties', () => {
    const seeds = labSeedSet(7);
    assert.equal(seeds.length, 100);
    assert.deepEqual(new Set(seeds.map((p) => p.topic)), new Set(TOPICS));
    for (const topic of TOPICS) {
      const levels = new Set(seeds.filter((p) => p.topic === topic).map((p) => p.difficulty));
      assert.ok(levels.size >= 3, `${topic} has levels ${[...levels]}`);
    }
    assert.equal(new Set(seeds.map((p) => p.text)).size, 100, 'no duplicates');
  });

  it('more distinct problems than the lab can make is a clear error, not a hang', () => {
    assert.equal(new Set(labSeedSet(3, 5000).map((p) => p.text)).size, 5000);
    assert.throws(
      () => labSeedSet(3, 20_000),
      /cannot make 20000 distinct lab-seeds problems: it ran out of new \w+ problems of difficulty \d at problem \d+ \(use fewer, e\.g\. lab\.seedProblems ≤ \d+\)/,
    );
  });

  it('the evaluation set is disjoint from the seeds, and both are deterministic', () => {
    const seeds = labSeedSet(7, 300);
    const evaluation = labEvalSet(7);
    assert.equal(evaluation.length, 200);
    const seedTexts = new Set(seeds.map((p) => p.text));
    assert.ok(evaluation.every((p) => !seedTexts.has(p.text)));
    assert.deepEqual(labEvalSet(7, 20), evaluation.slice(0, 20), 'a smaller set is a prefix');
    assert.notDeepEqual(labSeedSet(8, 10), labSeedSet(7, 10), 'the seed matters');
  });

  it('writes MATH-like JSONL idempotently', () => {
    const dir = tempDir();
    const paths = writeLabSets(dir, { seed: 3, seedProblems: 20, evalProblems: 30 });
    const lines = readFileSync(paths.seeds, 'utf8').trim().split('\n');
    assert.equal(lines.length, 20);
    const record = JSON.parse(lines[0]!);
    assert.equal(typeof record.problem, 'string');
    assert.equal(typeof record.answer, 'string');
    assert.ok(TOPICS.includes(record.type));
    assert.ok(record.level >= 1 && record.level <= 5);
    assert.equal(readFileSync(paths.eval, 'utf8').trim().split('\n').length, 30);
    const before = [statSync(paths.seeds).mtimeMs, statSync(paths.eval).mtimeMs];
    const again = writeLabSets(dir, { seed: 3, seedProblems: 20, evalProblems: 30 });
    assert.deepEqual(again, paths);
    assert.deepEqual(
      [statSync(paths.seeds).mtimeMs, statSync(paths.eval).mtimeMs],
      before,
      'unchanged files',
    );
  });
});
