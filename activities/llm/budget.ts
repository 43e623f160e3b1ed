// Budgets (config `budget`): before a call is paid for, its role's spending in the run
// and in the round is checked against the limits; at a limit the call is refused with a
// BudgetExceeded failure, and the round pauses until the budget is raised and the run
// resumed. Cached calls cost nothing and never reach this check.
import { ApplicationFailure } from '@temporalio/common';
import { and, eq, sql } from 'drizzle-orm';
import { costOf } from '../../algorithm/cost';
import type { Config, RoleName } from '../../config/schema';
import { BUDGET_EXCEEDED } from '../../contracts/failures';
import type { Database } from '../../db/client';
import { llmCalls } from '../../db/schema';

export { BUDGET_EXCEEDED };

interface Spending {
  tokens: number;
  /** null when a model used has no price. */
  cost: number | null;
}

/** The first limit a role has reached, as a message naming the role and the figures; null within budget. */
export function budgetReached(
  config: Config,
  role: RoleName,
  round: number,
  rows: { round: number; model: string; prompt: number; completion: number }[],
): string | null {
  const limits = config.budget[role];
  const total = (scope: typeof rows): Spending =>
    scope.reduce<Spending>(
      (sum, r) => {
        const cost = costOf(config.prices, r.model, Number(r.prompt), Number(r.completion));
        return {
          tokens: sum.tokens + Number(r.prompt) + Number(r.completion),
          cost: sum.cost === null || cost === null ? null : sum.cost + cost,
        };
      },
      { tokens: 0, cost: 0 },
    );
  const run = total(rows);
  const thisRound = total(rows.filter((r) => r.round === round));
  const checks: [number | undefined, number | null, string, string][] = [
    [limits.tokensPerRound, thisRound.tokens, 'tokensPerRound', `tokens in round ${round}`],
    [limits.tokensPerRun, run.tokens, 'tokensPerRun', 'tokens in this run'],
    [limits.costPerRound, thisRound.cost, 'costPerRound', `USD in round ${round}`],
    [limits.costPerRun, run.cost, 'costPerRun', 'USD in this run'],
  ];
  for (const [limit, spent, field, what] of checks) {
    if (limit === undefined) continue;
    if (spent === null)
      return `budget.${role}.${field} is set, but a ${role} model has no price in \`prices\`: add one`;
    // A hair under the limit is at it: sums of prices are floating point.
    if (spent >= limit - 1e-9)
      return `budget: the ${role} has spent ${format(spent)} ${what}; budget.${role}.${field} is ${format(limit)}. Raise it in the config and run \`socratic resume --config FILE\``;
  }
  return null;
}

const format = (x: number) =>
  Number.isInteger(x) ? x.toLocaleString('en') : x.toFixed(4).replace(/0+$/, '');

/** Throws BudgetExceeded when the role is at a limit; cheap when no limit is set. */
export async function checkBudget(
  db: Database,
  config: Config,
  runId: string,
  role: RoleName,
  round: number,
): Promise<void> {
  if (Object.values(config.budget[role]).every((limit) => limit === undefined)) return;
  const rows = await db
    .select({
      round: llmCalls.round,
      model: llmCalls.model,
      prompt: sql<number>`coalesce(sum(${llmCalls.promptTokens}), 0)`,
      completion: sql<number>`coalesce(sum(${llmCalls.completionTokens}), 0)`,
    })
    .from(llmCalls)
    .where(and(eq(llmCalls.runId, runId), eq(llmCalls.role, role)))
    .groupBy(llmCalls.round, llmCalls.model);
  const reached = budgetReached(config, role, round, rows);
  if (reached)
    throw ApplicationFailure.create({
      type: BUDGET_EXCEEDED,
      nonRetryable: true,
      message: reached,
      details: [{ role, round }],
    });
}
