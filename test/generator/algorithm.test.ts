// The Generator's pure rules: when it trains and on which rounds, who writes a refinement,
// its validity and calibration, and a refresh's keep rule.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  generatorDataRounds,
  probeVerdict,
  writerFigures,
  writerOf,
} from '../../algorithm/generator';

describe('generatorDataRounds', () => {
  it('trains every round from round 2 on the previous round when trainEvery is 1', () => {
    assert.equal(generatorDataRounds(1, 1, 0), null, "round 1's weights are not known yet");
    assert.deepEqual(generatorDataRounds(2, 1, 0), [1, 1]);
    assert.deepEqual(generatorDataRounds(3, 1, 1), [2, 2]);
  });
  it('trains every N rounds on every round since the last training', () => {
    assert.equal(generatorDataRounds(2, 2, 0), null);
    assert.deepEqual(generatorDataRounds(3, 2, 0), [1, 2]);
    assert.equal(generatorDataRounds(4, 2, 2), null);
    assert.deepEqual(generatorDataRounds(5, 2, 2), [3, 4]);
  });
  it('never trains when off, nor twice on the same data', () => {
    assert.equal(generatorDataRounds(5, 0, 0), null);
    assert.equal(generatorDataRounds(3, 1, 2), null);
  });
});

describe('writerOf', () => {
  it('follows the policy for targeted refinements; harder variants stay the Teacher’s', () => {
    assert.equal(writerOf('teacher', 1, 'targeted', 0), 'teacher');
    assert.equal(writerOf('generator', 0, 'targeted', 0.99), 'generator');
    assert.equal(writerOf('generator', 1, 'harder', 0), 'teacher');
  });
  it('mixed: the Generator writes its share of the draws', () => {
    assert.equal(writerOf('mixed', 0.3, 'targeted', 0.29), 'generator');
    assert.equal(writerOf('mixed', 0.3, 'targeted', 0.3), 'teacher');
  });
});

describe('writerFigures', () => {
  it('validity over all written, calibration over the measured valid ones', () => {
    const figures = writerFigures(
      [
        { valid: true, measuredSuccessRate: 0.5 },
        { valid: true, measuredSuccessRate: 1 },
        { valid: true, measuredSuccessRate: null },
        { valid: false, measuredSuccessRate: null },
      ],
      [0.2, 0.8],
    );
    assert.deepEqual(figures, {
      written: 4,
      valid: 3,
      validity: 0.75,
      measured: 2,
      calibrated: 1,
      calibration: 0.5,
    });
    assert.equal(writerFigures([], [0.2, 0.8]).validity, null);
  });
});

describe('probeVerdict', () => {
  it('keeps a problem inside the band, edges included', () => {
    assert.equal(probeVerdict(0.2, [0.2, 0.8]), 'kept');
    assert.equal(probeVerdict(0.8, [0.2, 0.8]), 'kept');
    assert.equal(probeVerdict(0.125, [0.2, 0.8]), 'below-band');
    assert.equal(probeVerdict(1, [0.2, 0.8]), 'above-band');
  });
});
