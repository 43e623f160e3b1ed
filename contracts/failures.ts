// Failure types that cross from activities to workflows, in a module both may import
// (workflows must not load the activities' code).

/** A role reached a budget (config \`budget\`): the round pauses until it is raised. */
export const BUDGET_EXCEEDED = 'BudgetExceeded';
