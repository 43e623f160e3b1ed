// SPEC §3 step 9: whether a new problem may enter the curriculum.

export type RejectionReason =
  | 'invalid-reply'
  | 'too-long'
  | 'empty-answer'
  | 'unparseable-answer'
  | 'duplicate'
  | 'near-duplicate'
  | 'benchmark-overlap';

export type Admission =
  | { admitted: true }
  | { admitted: false; reason: RejectionReason; detail: string };

/**
 * What "the same problem" means: NFC text, lower-cased, without LaTeX spacing and punctuation
 * noise. ASCII outside the math symbols below is dropped; other scripts' letters, digits and
 * symbols (≥, ≤, π, é, 三) are kept, so "x ≥ 2" and "x ≤ 2" stay different problems.
 */
export function normaliseProblemText(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/\\(left|right|,|;|!|quad|qquad)/g, ' ')
    .replace(/\\[dt]frac/g, '\\frac')
    .replace(/[^\p{ASCII}\p{L}\p{M}\p{N}\p{S}]+/gu, ' ')
    .replace(/[^a-z0-9\\^_+\-*/=<>().{}\u0080-\u{10ffff}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// Scripts written without spaces: each character counts as a word, so their n-grams exist.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/gu;

export function wordNgrams(text: string, n: number): Set<string> {
  const words = normaliseProblemText(text).replace(UNSPACED, ' $& ').split(' ').filter(Boolean);
  const grams = new Set<string>();
  for (let i = 0; i + n <= words.length; i++) grams.add(words.slice(i, i + n).join(' '));
  if (words.length > 0 && words.length < n) grams.add(words.join(' '));
  return grams;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  // Nothing to compare is no evidence of sameness (exact duplicates are caught by text).
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

/** The texts a candidate is checked against, indexed once per admission step. */
export class TextIndex {
  private readonly exact = new Set<string>();
  private readonly shingles: Set<string>[] = [];
  private readonly grams = new Map<string, number>();

  constructor(private readonly n: number) {}

  add(text: string): void {
    this.exact.add(normaliseProblemText(text));
    this.shingles.push(wordNgrams(text, 3));
    for (const gram of wordNgrams(text, this.n))
      this.grams.set(gram, (this.grams.get(gram) ?? 0) + 1);
  }

  has(text: string): boolean {
    return this.exact.has(normaliseProblemText(text));
  }

  /** Highest word-trigram Jaccard similarity with any indexed text. */
  nearest(text: string): number {
    const mine = wordNgrams(text, 3);
    let best = 0;
    for (const other of this.shingles) best = Math.max(best, jaccard(mine, other));
    return best;
  }

  /** Fraction of the candidate's n-grams found anywhere in the index. */
  overlap(text: string): number {
    const mine = wordNgrams(text, this.n);
    if (mine.size === 0) return 0;
    let hits = 0;
    for (const gram of mine) if (this.grams.has(gram)) hits++;
    return hits / mine.size;
  }
}

export interface AdmissionLimits {
  nearDuplicateJaccard: number;
  maxBenchmarkOverlap: number;
  /** Longest problem text admitted, in characters. */
  maxProblemChars: number;
}

export function admit(
  candidate: { text: string; answer: string; answerParses: boolean },
  curriculum: TextIndex,
  benchmarks: TextIndex,
  limits: AdmissionLimits,
): Admission {
  if (candidate.text.length > limits.maxProblemChars)
    return {
      admitted: false,
      reason: 'too-long',
      detail: `problem text has ${candidate.text.length} characters (at most ${limits.maxProblemChars})`,
    };
  if (candidate.answer.trim() === '')
    return { admitted: false, reason: 'empty-answer', detail: 'answer is empty' };
  if (!candidate.answerParses)
    return {
      admitted: false,
      reason: 'unparseable-answer',
      detail: `answer "${candidate.answer.slice(0, 200)}" does not parse`,
    };
  if (curriculum.has(candidate.text))
    return {
      admitted: false,
      reason: 'duplicate',
      detail: 'same normalised text as a curriculum problem',
    };
  const similarity = curriculum.nearest(candidate.text);
  if (similarity >= limits.nearDuplicateJaccard)
    return {
      admitted: false,
      reason: 'near-duplicate',
      detail: `trigram Jaccard ${similarity.toFixed(2)}`,
    };
  const overlap = benchmarks.overlap(candidate.text);
  if (overlap > limits.maxBenchmarkOverlap)
    return {
      admitted: false,
      reason: 'benchmark-overlap',
      detail: `${(overlap * 100).toFixed(0)}% of n-grams in benchmarks`,
    };
  return { admitted: true };
}
