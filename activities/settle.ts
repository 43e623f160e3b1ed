/**
 * Promise.all that waits for every task before it fails: a failed sibling must not
 * abandon finished LLM calls before they are cached, nor let the activity's retry
 * start while they are still in flight (issue 10 point 4).
 */
export async function settleAll<T>(tasks: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
