// SPEC §3 step 4: a problem's zone from the Solver's success rate on it.
export type Zone = 'mastered' | 'learning' | 'too_difficult';

export function successRate(correct: number, k: number): number {
  if (k <= 0) throw new Error(`success rate needs k > 0, got ${k}`);
  return correct / k;
}

export function zoneOf(rate: number): Zone {
  if (rate >= 1) return 'mastered';
  if (rate <= 0) return 'too_difficult';
  return 'learning';
}
