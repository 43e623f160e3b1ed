// SPEC §3 step 3: how the rule verdict and the Teacher's verdict combine.
// A verdict of null means "could not decide" (rule) or "not asked / no valid reply" (Teacher).
export type JudgePolicy = 'rule-first' | 'teacher-first' | 'both' | 'rule-only';

export interface Judgement {
  correct: boolean;
  /** Both judges decided, and differently. */
  disagreement: boolean;
}

export function combineVerdicts(
  policy: JudgePolicy,
  rule: boolean | null,
  teacher: boolean | null,
): Judgement {
  const disagreement = rule !== null && teacher !== null && rule !== teacher;
  switch (policy) {
    case 'rule-first':
      return { correct: rule ?? teacher ?? false, disagreement };
    case 'teacher-first':
      return { correct: teacher ?? rule ?? false, disagreement };
    case 'both':
      return { correct: (rule ?? teacher ?? false) && (teacher ?? rule ?? false), disagreement };
    case 'rule-only':
      return { correct: rule ?? false, disagreement: false };
  }
}

/** Whether a problem's attempts need the Teacher at all under this policy. */
export function needsTeacher(policy: JudgePolicy, ruleVerdicts: (boolean | null)[]): boolean {
  if (policy === 'rule-only') return false;
  if (policy === 'rule-first') return ruleVerdicts.some((v) => v !== true); // wrong ones need error analysis
  return true;
}
