// Which database errors can heal on retry (issue 10 point 4). A statement the database
// refuses for its content (SQLSTATE class 22 data exception, 23 constraint, 42 syntax or
// schema, 0A unsupported, 21 cardinality) fails the same way every time: retrying it
// only stalls the run. Connection, resource and serialization errors heal.
import { ApplicationFailure } from '@temporalio/common';

const NEVER_HEALS = new Set(['21', '22', '23', '42', '0A']);

export const DATABASE_REFUSED = 'DatabaseRefused';

/** The SQLSTATE of a driver error, found on it or on its causes (drizzle wraps them). */
function sqlState(error: unknown): { code: string; message: string } | null {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return { code, message: e.message };
  }
  return null;
}

/**
 * A non-retryable failure for an error the database will give again, else null. Its
 * message is the database's own, never drizzle's "Failed query … params", which would
 * copy the statement's values (texts, tokens) into the workflow history.
 */
export function databaseFailure(error: unknown): ApplicationFailure | null {
  const state = sqlState(error);
  if (!state || !NEVER_HEALS.has(state.code.slice(0, 2))) return null;
  return ApplicationFailure.create({
    type: DATABASE_REFUSED,
    nonRetryable: true,
    message: `the database refused a statement (SQLSTATE ${state.code}): ${state.message.split('\n')[0]}`,
  });
}
