// Finding the final answer in free-form model output.

import { FUNCTION_NAMES } from './names';

/** Longest model output we scan; beyond this only the tail matters. */
const MAX_SCAN = 200_000;
/** The tail in which an implicit final formula is looked for. */
const MATH_SCAN = 20_000;

/** Matching '}' for every '{' (escaped braces skipped), in one pass: -1 when unbalanced. */
function matchBraces(text: string): Map<number, number> {
  const close = new Map<number, number>();
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\')
      i++; // \{ and \} are literal braces
    else if (ch === '{') open.push(i);
    else if (ch === '}' && open.length > 0) close.set(open.pop()!, i);
  }
  return close;
}

interface Boxed {
  body: string;
  start: number;
  end: number;
}

/** Every \boxed{...} / \fbox{...} (also `\boxed 5`) in order of appearance. */
function allBoxed(text: string): Boxed[] {
  const out: Boxed[] = [];
  if (!/\\(?:boxed|fbox)/.test(text)) return out;
  const braces = matchBraces(text);
  const re = /\\(?:boxed|fbox)\s*/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const after = m.index + m[0].length;
    if (text[after] === '{') {
      const end = braces.get(after);
      if (end === undefined) continue;
      out.push({ body: text.slice(after + 1, end).trim(), start: m.index, end: end + 1 });
      re.lastIndex = end + 1;
    } else {
      const tok = /^[^\s$]+/.exec(text.slice(after, after + 100));
      if (tok && /\s$/.test(m[0]))
        out.push({ body: tok[0], start: m.index, end: after + tok[0].length });
    }
  }
  return out;
}

/** The content of the last \boxed{...} (nested braces allowed), or null. */
export function extractBoxed(text: string): string | null {
  const all = allBoxed(text.length > MAX_SCAN ? text.slice(-MAX_SCAN) : text);
  return all.length > 0 ? all[all.length - 1]!.body : null;
}

/** Answers to the parts of a question: "(a) … \boxed{3}. (b) … \boxed{5}". */
const PART_LABEL =
  /(?:^|\n)\s*(?:\*\*)?(?:\(?[b-h]\)|\((?:ii|iii|iv)\)|part\s*\(?[b-h]\)?|[b-h]\.)[.:]?(?:\*\*)?\s/i;

/** The same, (a) included: the label a box must sit under to join the next part's box. */
const ANY_PART_LABEL =
  /(?:^|\n)\s*(?:\*\*)?(?:\(?[a-h]\)|\((?:i|ii|iii|iv)\)|part\s*\(?[a-h]\)?|[a-h]\.)[.:]?(?:\*\*)?\s/i;

/** Several boxed answers written side by side ("\boxed{2} and \boxed{3}") form one answer. */
function lastBoxedGroup(text: string): string | null {
  const all = allBoxed(text);
  if (all.length === 0) return null;
  const group = [all[all.length - 1]!];
  for (let i = all.length - 2; i >= 0; i--) {
    const gap = text.slice(all[i]!.end, group[0]!.start);
    if (gap.length > 400) break;
    // Boxes in parts join only when each sits under its own label: "(a) … \boxed{3} (b) …".
    const before = text.slice(
      Math.max(i > 0 ? all[i - 1]!.end : 0, all[i]!.start - 400),
      all[i]!.start,
    );
    const label = PART_LABEL.test(gap) && ANY_PART_LABEL.test(before);
    if (!label && gap.length > 40) break;
    if (
      !label &&
      !/^[\s$,;]*(?:,|and|or|\\text\{\s*(?:and|or)\s*\}|\\quad|\\,)?[\s$,;]*$/.test(gap)
    )
      break;
    if (gap.trim() === '') break; // "\boxed{1}\boxed{2}" is unusual; keep the last
    group.unshift(all[i]!);
  }
  return group.map((b) => b.body).join(', ');
}

/**
 * The last math span ($$...$$, $...$, \[...\] or \(...\)), joined with the spans before it
 * when only "or", "and" or a comma separates them: "$x = -1$ or $x = 2$" is one answer.
 */
function lastMath(text: string, firstGroup = false): string | null {
  const all = [...mathSpans(text)];
  if (all.length === 0) return null;
  const spans = firstGroup ? all.slice(0, groupEnd(text, all) + 1) : all;
  let first = spans.length - 1;
  while (
    first > 0 &&
    spans.length - first < 10 &&
    JOINED.test(text.slice(spans[first - 1]!.end, spans[first]!.start))
  )
    first--;
  return spans
    .slice(first)
    .map((x) => x.body)
    .join(', ');
}

const JOINED = /^\s*(?:,|,?\s*(?:or|and))\s*$/;

/** Index of the last span in the run that starts with the first one ("$a$ or $b$, …"). */
function groupEnd(text: string, spans: { start: number; end: number }[]): number {
  let last = 0;
  while (
    last + 1 < spans.length &&
    last < 10 &&
    JOINED.test(text.slice(spans[last]!.end, spans[last + 1]!.start))
  )
    last++;
  return last;
}

/**
 * Math spans in order. A "$...$" pair holding prose is two dollar amounts ("pays $2 per egg and
 * makes $18"), not mathematics, and is skipped.
 */
function* mathSpans(text: string): Generator<{ body: string; start: number; end: number }> {
  // Spans are at most 2,000 characters, so that unclosed delimiters cost linear time.
  const re =
    /\$\$([\s\S]{1,2000}?)\$\$|\\\[([\s\S]{1,2000}?)\\\]|\\\(([\s\S]{1,2000}?)\\\)|\$([^$]{1,2000}?)\$/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const span = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').trim();
    if (m[4] !== undefined && (span.includes('\n') || proseWords(span) > 1)) {
      re.lastIndex = m.index + 1; // its closing $ may open the real formula
      continue;
    }
    if (span) yield { body: span, start: m.index, end: m.index + m[0].length };
  }
}

/** Words of three or more letters outside LaTeX commands and \text{} groups. */
function proseWords(s: string): number {
  return (
    s
      .slice(0, 20_000)
      .replace(/\\[a-zA-Z]+(\{[^}]*\})?/g, ' ')
      .match(/[A-Za-z]{3,}/g) ?? []
  ).length;
}

/** Text after the last answer marker, up to the end of its sentence (or the next line when empty). */
function afterMarker(text: string): string | null {
  const re = /final answer|the answer is|answer is|answer:|####/gi;
  let end = -1;
  for (let m = re.exec(text); m; m = re.exec(text)) end = m.index + m[0].length;
  if (end < 0) return null;
  const rest = text
    .slice(end, end + 2000)
    .replace(/\*\*|__/g, '') // Markdown bold around the answer
    .replace(/^\s*(?:is\b)?\s*[:=]?[ \t]*/, '');
  // A display block may span lines; otherwise the answer sits on the first non-empty line.
  const block = /^\s*(?:\$\$|\\\[)([\s\S]+?)(?:\$\$|\\\])/.exec(rest);
  if (block) return block[1]!.trim() || null;
  let firstLine = /\S[^\n]*/.exec(rest)?.[0] ?? '';
  // "Final Answer: The largest $n$ is 34." states the answer after its last "is".
  const stated = /^(?:[^$\\]*?\$[^$]*\$)*[^$\\]*?\b(?:is|are|equals|was)\s+(?=\S)/i.exec(firstLine);
  if (stated && proseWords(firstLine.slice(0, stated[0].length)) >= 2)
    firstLine = firstLine.slice(stated[0].length);
  const inMath = lastMath(firstLine, true);
  if (inMath) return inMath;
  // Cut at a sentence end: a period followed by a space or the end, not a decimal point.
  const cut = firstLine.replace(/\.\s.*$/, '').replace(/\.$/, '');
  return cut.trim() || null;
}

/** The last number in the text (GSM8K-style fallback). */
function lastNumber(text: string): string | null {
  // Thousands may be grouped with "," or LaTeX's "{,}" and ",\!" (1{,}234.50).
  const re = /-?\d(?:[\d,]|\{,\}|,\\!)*(?:\.\d+)?|-?\.\d+/g;
  let last: string | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) last = m[0];
  return last ? last.replace(/,$/, '') : null;
}

/** The final answer a model wrote, or null when it wrote none. */
export function extractAnswer(text: string): string | null {
  return answerCandidates(text)[0] ?? null;
}

/**
 * Possible final answers, best first. An explicit answer (boxed, or after a marker) stands
 * alone; an implicit one (the last formula) is followed by the last number, for when the
 * formula turns out to be something else, such as "$400 + $" between two dollar amounts.
 */
export function answerCandidates(text: string): string[] {
  const t = text.length > MAX_SCAN ? text.slice(-MAX_SCAN) : text;
  const boxed = lastBoxedGroup(t);
  if (boxed !== null) return boxed.trim() === '' ? [] : [boxed];
  const marked = afterMarker(t);
  if (marked) return [marked];
  const own = lastLineAnswer(t);
  if (own) return [own];
  const out: string[] = [];
  const stated = statedLast(t.slice(-MATH_SCAN));
  if (stated) out.push(stated);
  const computed = lastComputed(t);
  if (computed) out.push(computed);
  const math = lastMath(t.slice(-MATH_SCAN));
  if (math) out.push(lastLink(math));
  const num = lastNumber(t);
  if (num && num !== math) out.push(num);
  return out;
}

/** Characters at the end of a solution in which a closing sentence is looked for. */
const STATED_TAIL = 400;

/** An answer alone on the last line of a worked solution: "12", "$x = 3$", "\[ 42 \]". */
function lastLineAnswer(text: string): string | null {
  const lines = text.trimEnd().split('\n');
  if (lines.length < 2) return null;
  let last = lines[lines.length - 1]!.trim();
  if (/^(?:\\\]|\$\$)$/.test(last)) {
    // A display block closing on its own line: take its content.
    const block = /(?:\$\$|\\\[)\s*([^\n$]{1,200}?)\s*(?:\$\$|\\\])\s*$/.exec(text.trimEnd());
    return block ? lastLink(block[1]!.trim()) || null : null;
  }
  last = last.replace(/^\*\*|\*\*$/g, '').replace(/\.$/, '');
  const math = /^(?:\$\$?|\\\(|\\\[)([^$]{1,200}?)(?:\$\$?|\\\)|\\\])$/.exec(last);
  if (math) return math[1]!.trim() || null;
  const words = last.replace(/\\[a-zA-Z]+/g, ' ');
  const listItem = /^(?:\d+[.)]|[-*])\s/.test(last);
  if (last.length <= 40 && /\d/.test(last) && !listItem && !/[A-Za-z]{2,}|\$/.test(words))
    return last;
  return null;
}

/**
 * The answer a closing sentence states in plain text, when no formula follows it: "Thus x ≥ 5.",
 * "So there are 15 handshakes in total.", "The angle is π/4.", "the remainder is **2**." What
 * is taken must close the text (a formula, or the one number of a concluding sentence), so
 * that a stray count earlier in the sentence is not.
 */
function statedLast(full: string): string | null {
  // Only the closing sentence matters; a bounded tail keeps the patterns below linear.
  const text = full.trimEnd().slice(-STATED_TAIL);
  // A closing sentence without a formula: "So there are 15 handshakes in total."
  const closing =
    /(?:^|[.!?\n]\s*)((?:So|Thus|Therefore|Hence|In total|Altogether|This gives|We get)\b[^$.!?\n\\]*)[.!]?\s*$/.exec(
      text,
    );
  // "Thus x ≥ 5.": the connective, then a formula written without delimiters.
  const formula = /(?:^|[.!?\n]\s*)(?:So|Thus|Hence|Therefore),?\s+([^$\n]{1,60}?)[.!]?\s*$/.exec(
    text,
  );
  if (formula && looksLikeFormula(formula[1]!)) return formula[1]!.trim();
  const numbers = closing?.[1]?.match(/-?\d[\d,]*(?:\.\d+)?/g);
  if (numbers?.length === 1 && !/[=<>≤≥≠]/.test(closing?.[1] ?? ''))
    return numbers[0]!.replace(/,$/, '');
  // "The angle is π/4.", "the numbers are 3 and 4.": a short formula closing the text.
  let stated: string | null = null;
  for (const t of text.matchAll(/\b(?:is|are|equals)\b|=/g)) {
    const raw = text.slice(t.index + t[0].length);
    if (/\$|\\[([]/.test(raw)) continue; // within or before a formula: the formula decides
    const rest = raw
      .replace(/\*\*/g, ' ')
      .replace(/[.!\s]+$/, '')
      .trim();
    if (rest.length > 0 && rest.length <= 60 && looksLikeFormula(rest)) stated = rest;
  }
  if (stated) return stated;
  const m = /(?:\bis|\bare|\bequals|=|:)\s*\**\s*(-?\d[\d,]*(?:\.\d+)?)\s*\**\s*[.!]?\s*$/.exec(
    text,
  );
  return m ? m[1]!.replace(/,$/, '') : null;
}

/**
 * The result of the last computation on a plain-text last line, as in worked arithmetic:
 * "So in total, he scored 4+5=9 points in the 40 minutes" → 9, not 40.
 */
function lastComputed(text: string): string | null {
  const line = text.trimEnd().slice(-STATED_TAIL).split('\n').pop()!;
  // LaTeX or $…$ formulas: the math spans decide. A "$" before a digit is a dollar sign.
  if (line.includes('\\') || /\$(?!\d)/.test(line)) return null;
  const plain = line.replace(/\$/g, '');
  let last: string | null = null;
  for (const m of plain.matchAll(/=\s*(-?\d{1,3}(?: \d{3})+(?!\d|\.\d)|-?\d[\d,]*(?:\.\d+)?)/g))
    last = m[1]!.replace(/,$/, '');
  return last;
}

/** A formula in plain text: digits or math signs, no words beyond "and"/"or" and one-letter names. */
function looksLikeFormula(s: string): boolean {
  if (s.includes('\n') || !/[\dπ√∞]/.test(s)) return false;
  const plain = s.replace(/\\[a-zA-Z]+/g, ' ').replace(/\b(?:and|or)\b/g, ' ');
  return !/[A-Za-z]{2,}/.test(plain) && !/[,;:]\s*$/.test(s);
}

/** The conclusion of a formula written as steps: "m = M + 25 \Rightarrow m = 10" → "m = 10". */
function lastLink(math: string): string {
  const parts = math
    .split(/\\(?:Rightarrow|implies|therefore|Longrightarrow|quad|qquad)\b/)
    .filter((x) => x.replace(/\\(?:text|mathrm)\s*\{[^}]*\}/g, '').trim() !== '');
  return parts[parts.length - 1]?.trim() || math;
}

/** Whether the text looks like a bare answer rather than a worked solution. */
export function looksBare(text: string): boolean {
  const t = text.trim();
  if (/^(?:so|thus|hence|therefore)\b/i.test(t)) return false; // a concluding sentence
  if (t.length === 0 || t.includes('\n')) return false;
  if (/\\boxed|\\fbox|answer|####/i.test(t)) return false;
  // A sentence: words around a formula, or a run of plain words ("The area is 12 m²").
  const outside = t.replace(/\$[^$]*\$|\\\(.*?\\\)|\\text\{[^}]*\}/g, ' $ ');
  if (outside.includes('$') && /[A-Za-z]{2,}/.test(outside.replace(/\\[a-zA-Z]+/g, ' ')))
    return false;
  if (/(?:^|\s)[A-Za-z]{2,}\s+[A-Za-z]{2,}\s+[A-Za-z]{2,}(?:\s|$)/.test(outside)) return false;
  // A word before the number ("Il reste 2,74 €"): a sentence, unless the word is mathematics.
  const lead = /(?:^|\s)([A-Za-z]{4,})\s+-?\d/.exec(outside.replace(/\\[a-zA-Z]+/g, ' '));
  if (lead && !FUNCTION_NAMES.has(lead[1]!.toLowerCase()) && !/^(?:sqrt|frac)$/i.test(lead[1]!))
    return false;
  return proseWords(t) <= 3; // prose has several words outside LaTeX commands
}
