import assert from 'node:assert/strict';
import { test } from 'node:test';
import { combineVerdicts, needsTeacher, successRate, zoneOf } from '../../algorithm';

test('zones follow the success rate', () => {
  assert.equal(zoneOf(successRate(8, 8)), 'mastered');
  assert.equal(zoneOf(successRate(1, 8)), 'learning');
  assert.equal(zoneOf(successRate(7, 8)), 'learning');
  assert.equal(zoneOf(successRate(0, 8)), 'too_difficult');
  assert.throws(() => successRate(0, 0), /k > 0/);
});

test('rule-first trusts a decided rule and asks the Teacher for unknowns', () => {
  assert.deepEqual(combineVerdicts('rule-first', true, false), {
    correct: true,
    disagreement: true,
  });
  assert.deepEqual(combineVerdicts('rule-first', null, true), {
    correct: true,
    disagreement: false,
  });
  assert.deepEqual(combineVerdicts('rule-first', null, null), {
    correct: false,
    disagreement: false,
  });
});

test('teacher-first, both and rule-only policies', () => {
  assert.equal(combineVerdicts('teacher-first', true, false).correct, false);
  assert.equal(combineVerdicts('teacher-first', true, null).correct, true);
  assert.equal(combineVerdicts('both', true, false).correct, false);
  assert.equal(combineVerdicts('both', true, true).correct, true);
  assert.equal(combineVerdicts('both', null, true).correct, true);
  assert.deepEqual(combineVerdicts('rule-only', null, true), {
    correct: false,
    disagreement: false,
  });
});

test('the Teacher is consulted only where the policy needs it', () => {
  assert.equal(needsTeacher('rule-first', [true, true]), false);
  assert.equal(needsTeacher('rule-first', [true, false]), true);
  assert.equal(needsTeacher('rule-first', [true, null]), true);
  assert.equal(needsTeacher('teacher-first', [true, true]), true);
  assert.equal(needsTeacher('rule-only', [false, null]), false);
});
