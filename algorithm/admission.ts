// SPEC §3 step 9: whether a new problem may enter the curriculum.

export type RejectionReason =
  | 'invalid-reply'
  | 'empty-answer'
  | 'unparseable-answer'
  | 'duplicate'
  | 'near-duplicate'
  | 'benchmark-overlap';

export type Admission =
  | { admitted: true }
  | { admitted: false; reason: RejectionReason; detail: string };

/** Lower-case words without LaTeX spacing and punctuation noise: what "the same problem" means. */
export function normaliseProblemText(text: string): string {
  return text
    .toLowerCase()
    .replace(/\\(left|right|,|;|!|quad|qquad)/g, ' ')
    .replace(/\\[dt]frac/g, '\\frac')
    .replace(/[^a-z0-9\\^_+\-*/=<>().{}]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function wordNgrams(text: string, n: number): Set<string> {
  const words = normaliseProblemText(text).split(' ').filter(Boolean);
  const grams = new Set<string>();
  for (let i = 0; i + n <= words.length; i++) grams.add(words.slice(i, i + n).join(' '));
  if (words.length > 0 && words.length < n) grams.add(words.join(' '));
  return grams;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
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
}

export function admit(
  candidate: { text: string; answer: string; answerParses: boolean },
  curriculum: TextIndex,
  benchmarks: TextIndex,
  limits: AdmissionLimits,
): Admission {
  if (candidate.answer.trim() === '')
    return { admitted: false, reason: 'empty-answer', detail: 'answer is empty' };
  if (!candidate.answerParses)
    return {
      admitted: false,
      reason: 'unparseable-answer',
      detail: `answer "${candidate.answer}" does not parse`,
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
