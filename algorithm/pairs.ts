// SPEC §3 step 6: preference pairs, the full Cartesian product winners × losers.

export interface JudgedAttempt {
  id: string;
  correct: boolean;
}

export interface PreferencePair {
  /** null: the reference solution wins (no attempt was correct). */
  chosenAttemptId: string | null;
  rejectedAttemptId: string;
}

export function preferencePairs(attempts: readonly JudgedAttempt[]): PreferencePair[] {
  const losers = attempts.filter((a) => !a.correct);
  if (losers.length === 0) return []; // mastered: nothing to prefer
  const correct = attempts.filter((a) => a.correct).map((a) => a.id);
  const winners: (string | null)[] = correct.length > 0 ? correct : [null];
  return winners.flatMap((chosen) =>
    losers.map((loser) => ({ chosenAttemptId: chosen, rejectedAttemptId: loser.id })),
  );
}
