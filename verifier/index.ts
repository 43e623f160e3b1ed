// MathRule: final-answer verification. verify() runs in a worker pool with a time budget;
// verifySync() runs in the calling thread, bounded by input size, step count and a deadline.
//
// Pipeline: extract.ts (final answer) → normalise.ts (LaTeX clean-up) → lex.ts/parse.ts (tree)
// → compare.ts (structure, then numbers: complex evaluation, sampling of free variables, exact
// BigInt rationals beyond 2^53). No external CAS: @cortex-js/compute-engine needs Node ≥ 21.7
// since 0.28, and this project runs on Node 20; a tree walk is also far faster on the hot path.

import type { Verdict, VerifyOptions } from './core';
import { VerifierPool } from './pool';

export type { Explanation, Verdict, VerifyOptions } from './core';
export { explainSync, verifySync } from './core';
export { extractAnswer, extractBoxed } from './extract';
export { VerifierPool } from './pool';

let pool: VerifierPool | null = null;

/** The shared pool, started on first use; it never keeps the process alive while idle. */
function sharedPool(): VerifierPool {
  pool ??= new VerifierPool();
  return pool;
}

/** Compares a model's prediction (full text or bare answer) with the gold answer. */
export async function verify(
  gold: string,
  prediction: string,
  options: VerifyOptions = {},
): Promise<Verdict> {
  return sharedPool().verify(gold, prediction, options);
}

/** Verifies many pairs at once, batched into the pool; verdicts come back in input order. */
export function verifyMany(
  pairs: readonly { gold: string; pred: string }[],
  options: VerifyOptions = {},
): Promise<Verdict[]> {
  const p = sharedPool();
  return Promise.all(pairs.map((x) => p.verify(x.gold, x.pred, options)));
}

/** Stops the shared pool's workers (tests, shutdown); a later call starts a new pool. */
export async function closeVerifier(): Promise<void> {
  const p = pool;
  pool = null;
  await p?.close();
}
