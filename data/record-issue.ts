// Turns a zod failure on one record into the field and words a person can act on.
// A union failure holds one issue list per shape; the shape the record most looks
// like (fewest fields missing, then fewest wrong, then branch order) is the one to blame.
import type { z } from 'zod';

export interface RecordIssue {
  field: string | undefined;
  detail: string;
}

export function explainRecordIssue(
  record: Record<string, unknown>,
  error: z.ZodError,
): RecordIssue {
  const issue = closestShapeIssues(record, error.issues)[0];
  if (!issue) return { field: undefined, detail: 'does not match any known problem shape' };
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
  const value = valueAt(record, issue.path);
  if (value === undefined) return { field, detail: `missing (${issue.message})` };
  const showsValue = ['invalid_type', 'invalid_union', 'invalid_format'].includes(issue.code);
  return {
    field,
    detail: showsValue ? `${issue.message}, got ${describeValue(value)}` : issue.message,
  };
}

function closestShapeIssues(
  record: Record<string, unknown>,
  issues: z.core.$ZodIssue[],
): z.core.$ZodIssue[] {
  const [first] = issues;
  if (issues.length !== 1 || first?.code !== 'invalid_union' || first.path.length > 0)
    return issues;
  let best: z.core.$ZodIssue[] = [];
  let bestScore = Number.POSITIVE_INFINITY;
  for (const branch of first.errors) {
    const missing = branch.filter((i) => valueAt(record, i.path.slice(0, 1)) === undefined).length;
    const score = missing * 1000 + branch.length;
    if (score < bestScore) {
      best = branch;
      bestScore = score;
    }
  }
  return best;
}

function valueAt(record: unknown, path: readonly PropertyKey[]): unknown {
  let value = record;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${json.slice(0, 37)}...` : json;
}
