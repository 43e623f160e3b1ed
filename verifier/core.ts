// One verification, synchronous and bounded by input size, step count and a deadline.

import { type Node, show } from './ast';
import { compare, type Tri } from './compare';
import { answerCandidates, extractAnswer, looksBare } from './extract';
import { canonicalText, isText, normalise } from './normalise';
import { parse } from './parse';

export interface Verdict {
  /** true = equal, false = different, null = could not decide (the Teacher decides). */
  equal: boolean | null;
  gold: string | null;
  pred: string | null;
  reason: string;
}

export interface VerifyOptions {
  /** Wall-clock budget for one verification, in milliseconds (default 1000). */
  timeoutMs?: number;
  /** Relative tolerance for non-integer numbers (default 1e-6). */
  relativeTolerance?: number;
}

/** Longest reference answer and extracted prediction answer that we parse. */
export const MAX_ANSWER_CHARS = 2000;
/** Longest prediction (a whole model output) that we scan for an answer. */
export const MAX_PREDICTION_CHARS = 1_000_000;
/** Evaluation steps one verification may take. */
const MAX_STEPS = 200_000;

/** The answer a reference holds: bare, or inside \boxed / after #### in a worked solution. */
export function goldAnswer(gold: string): string | null {
  if (/\\boxed|\\fbox|####/.test(gold)) return extractAnswer(gold);
  return gold.trim() || null;
}

/** The answer a prediction holds: a bare answer as is, a worked solution's final answer. */
export function predictionAnswer(pred: string): string | null {
  if (looksBare(pred)) return pred.trim() || null;
  const candidates = answerCandidates(pred);
  if (candidates.length < 2) return candidates[0] ?? null;
  const readable = (c: string) => c.length <= MAX_ANSWER_CHARS && parseAnswer(c)?.kind === 'math';
  return candidates.find(readable) ?? candidates[0]!;
}

/**
 * Ways to read an answer whose commas are ambiguous: 58,500 is a number first, a list second;
 * a predicted 3,5 may use a decimal comma (references list answers as "-3,0", so not theirs).
 */
function readings(s: string, decimalComma = false): string[] {
  if (/^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s)) return [s.replace(/,/g, ''), s];
  if (decimalComma && /^-?\d+,\d+$/.test(s)) return [s, s.replace(',', '.')];
  // A reference may use a decimal comma too (2,74, cents), where lists read "-3,0" or "1,2".
  if (/^-?\d+,\d\d$/.test(s) && !/,00$/.test(s)) return [s, s.replace(',', '.')];
  return [s];
}

/**
 * Text escaped once too often (JSON read as a string twice): every command has two
 * backslashes (\\frac) and none has one. Halving them restores the LaTeX.
 */
export function unescapeBackslashes(s: string): string {
  if (!s.includes('\\\\') || /(?:^|[^\\])\\[a-zA-Z]/.test(s)) return s;
  if (!/\\\\[a-zA-Z]/.test(s)) return s;
  return s.replace(/\\\\/g, '\\');
}

function tryParse(s: string): Node | null {
  try {
    return parse(s);
  } catch {
    return null;
  }
}

const CHOICE = /^\(?([A-E])\)?$/;
const CHOICE_IN_PRED = /^\(?([A-E])(?:\)|$|\s|:|\.)/;

const verdict = (equal: Tri, gold: string | null, pred: string | null, reason: string) => ({
  equal,
  gold,
  pred,
  reason,
});

/** How a verdict came about: the answers found, what the parser read, the rules applied. */
export interface Explanation {
  verdict: Verdict;
  /** The answers as extracted from the texts, before clean-up. */
  goldAnswer: string | null;
  predAnswer: string | null;
  /** The cleaned-up answers the parser read. */
  goldNormalised: string | null;
  predNormalised: string | null;
  /** Rules applied while comparing, in order. */
  rules: string[];
}

/** verifySync with its working shown (socratic verify --explain). */
export function explainSync(
  gold: string,
  prediction: string,
  options: VerifyOptions = {},
): Explanation {
  const rules: string[] = [];
  const v = decide(gold, prediction, options, rules);
  const ga = typeof gold === 'string' ? goldAnswer(unescapeBackslashes(gold)) : null;
  const pa =
    typeof prediction === 'string' ? predictionAnswer(unescapeBackslashes(prediction)) : null;
  const short = (s: string | null) => (s !== null && s.length <= MAX_ANSWER_CHARS ? s : null);
  return {
    verdict: v,
    goldAnswer: short(ga),
    predAnswer: short(pa),
    goldNormalised: short(ga) === null ? null : normalise(ga!),
    predNormalised: short(pa) === null ? null : normalise(pa!),
    rules: rules.length > 0 ? rules : [v.reason],
  };
}

/** Compares a model's prediction (full text or bare answer) with the gold answer, in this thread. */
export function verifySync(gold: string, prediction: string, options: VerifyOptions = {}): Verdict {
  return decide(gold, prediction, options);
}

function decide(
  gold: string,
  prediction: string,
  options: VerifyOptions,
  rules?: string[],
): Verdict {
  const timeoutMs = options.timeoutMs ?? 1000;
  const relativeTolerance = options.relativeTolerance ?? 1e-6;
  if (typeof gold !== 'string' || typeof prediction !== 'string')
    return verdict(null, null, null, 'gold and prediction must be strings');
  if (gold.length > MAX_ANSWER_CHARS * 50) return verdict(null, null, null, 'reference too long');
  if (prediction.length > MAX_PREDICTION_CHARS)
    return verdict(null, null, null, 'prediction too long');
  if (gold.trim() !== '' && gold.trim() === prediction.trim())
    return verdict(true, gold.trim(), gold.trim(), 'same text');
  gold = unescapeBackslashes(gold);
  prediction = unescapeBackslashes(prediction);
  const ga = goldAnswer(gold);
  if (ga === null) return verdict(null, null, null, 'reference has no answer');
  const pa = predictionAnswer(prediction);
  if (pa === null) return verdict(false, ga, null, 'no answer');
  if (ga.length > MAX_ANSWER_CHARS || pa.length > MAX_ANSWER_CHARS)
    return verdict(ga === pa ? true : null, null, null, 'answer too long to parse');
  const g = normalise(ga);
  const p = normalise(pa);
  if (p === '') return verdict(false, g, null, 'no answer');
  if (g === p) return verdict(true, g, p, 'same normalised text');

  // Multiple choice: compare letters.
  const choice = CHOICE.exec(g.replace(/\s/g, ''));
  if (choice) {
    const pc = /^\(?([A-Ea-e])\)?$/.exec(p.replace(/\s/g, '')) ?? CHOICE_IN_PRED.exec(p);
    if (pc)
      return verdict(
        pc[1]!.toUpperCase() === choice[1]!.toUpperCase(),
        g,
        p,
        'multiple-choice letters',
      );
  }
  // Prose answers compare as text.
  if (isText(g)) {
    const same = canonicalText(g) === canonicalText(p);
    return verdict(same, g, p, same ? 'same text' : 'different text');
  }

  // 80% of the budget for the work itself leaves the pool time to hear back before it gives up.
  const budget = { steps: MAX_STEPS, deadline: Date.now() + timeoutMs * 0.8 };
  const ctx = { relativeTolerance, budget, rules };
  const gTrees = readings(g)
    .map(tryParse)
    .filter((x): x is Node => x !== null);
  if (gTrees.length === 0) return verdict(null, g, p, 'reference does not parse');
  const pTrees = readings(p, true)
    .map(tryParse)
    .filter((x): x is Node => x !== null);
  if (pTrees.length === 0) {
    if (isText(p))
      return verdict(false, show(gTrees[0]!), p, 'prose prediction for a mathematical reference');
    return verdict(null, show(gTrees[0]!), p, 'prediction does not parse');
  }
  let result: Tri = false;
  for (const gt of gTrees)
    for (const pt of pTrees) {
      const r = compare(gt, pt, ctx);
      if (r === true) return verdict(true, show(gt), show(pt), 'mathematically equal');
      if (r === null) result = null;
      if (budget.steps <= 0 || Date.now() > budget.deadline)
        return verdict(null, show(gt), show(pt), 'time budget spent');
    }
  return verdict(
    result,
    show(gTrees[0]!),
    show(pTrees[0]!),
    result === false ? 'mathematically different' : 'could not decide',
  );
}

export type Parsed =
  | { kind: 'math'; text: string; node: Node }
  | { kind: 'text'; text: string }
  | { kind: 'choice'; text: string };

/** How a reference answer reads: mathematics, a multiple-choice letter, prose, or null when unreadable. */
export function parseAnswer(answer: string): Parsed | null {
  const a = goldAnswer(answer);
  if (a === null) return null;
  const s = normalise(a);
  if (CHOICE.test(s.replace(/\s/g, ''))) return { kind: 'choice', text: s };
  if (isText(s)) return { kind: 'text', text: s };
  for (const r of readings(s)) {
    const node = tryParse(r);
    if (node) return { kind: 'math', text: show(node), node };
  }
  return null;
}
