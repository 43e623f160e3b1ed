import assert from 'node:assert/strict';
import { test } from 'node:test';
import { budgetReached } from '../../activities/llm/budget';
import { Config } from '../../config/schema';

const rows = [
  { round: 1, model: 'teacher-m', prompt: 600, completion: 400 },
  { round: 2, model: 'teacher-m', prompt: 300, completion: 200 },
];

test('a role within its budgets may pay', () => {
  const config = Config.parse({ budget: { teacher: { tokensPerRound: 501, tokensPerRun: 1501 } } });
  assert.equal(budgetReached(config, 'teacher', 2, rows), null);
});

test('a round at its token limit is refused, naming the role and the figures', () => {
  const config = Config.parse({ budget: { teacher: { tokensPerRound: 500 } } });
  const reached = budgetReached(config, 'teacher', 2, rows);
  assert.match(
    reached ?? '',
    /teacher has spent 500 tokens in round 2; budget\.teacher\.tokensPerRound is 500/,
  );
  assert.equal(budgetReached(config, 'solver', 2, rows), null, 'other roles are not limited');
});

test('the run total counts every round', () => {
  const config = Config.parse({ budget: { teacher: { tokensPerRun: 1500 } } });
  assert.match(budgetReached(config, 'teacher', 2, rows) ?? '', /1,500 tokens in this run/);
});

test('cost budgets use the price list; an unpriced model is an error, not a free pass', () => {
  const priced = Config.parse({
    prices: { 'teacher-m': { input: 1000, output: 2000 } },
    budget: { teacher: { costPerRun: 2.4 } },
  });
  // 900 prompt tokens × $1000/M + 600 completion × $2000/M = $2.1
  assert.equal(budgetReached(priced, 'teacher', 2, rows), null);
  const tighter = Config.parse({ ...priced, budget: { teacher: { costPerRun: 2.1 } } });
  assert.match(budgetReached(tighter, 'teacher', 2, rows) ?? '', /2\.1 USD in this run/);
  const unpriced = Config.parse({ budget: { teacher: { costPerRun: 5 } } });
  assert.match(budgetReached(unpriced, 'teacher', 2, rows) ?? '', /has no price/);
});
