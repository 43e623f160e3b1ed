// SPEC §3 step 11: a new problem's value for Generator training peaks when the
// updated Solver solves it half the time: U(q') = exp(-(s - μ)² / (2σ²)).
export function utilityWeight(successRate: number, mu = 0.5, sigma = 0.2): number {
  return Math.exp(-((successRate - mu) ** 2) / (2 * sigma ** 2));
}
