// String-level clean-up of an extracted answer before parsing.

import { FUNCTION_NAMES } from './names';

const TEXT_WRAPPERS =
  /\\(?:text|textbf|textit|textrm|texttt|textnormal|mathrm|mathbf|mathit|mathsf|mathtt|mathnormal|mbox|hbox|operatorname|boldsymbol|bm|emph)\s*\{([^{}]*)\}/g;

const UNICODE: [RegExp, string][] = [
  [/π/g, '\\pi '],
  [/∞/g, '\\infty '],
  [/√/g, '\\sqrt'],
  [/[×⋅·]/g, '\\cdot '],
  [/[−–—]/g, '-'],
  [/≤/g, '\\le '],
  [/≥/g, '\\ge '],
  [/≠/g, '\\ne '],
  [/±/g, '\\pm '],
  [/≈/g, '\\approx '],
  [/∪/g, '\\cup '],
  [/∈/g, '\\in '],
  [/²/g, '^2'],
  [/³/g, '^3'],
];

/** Words that are math, not units, when they trail an answer. */
const MATH_WORDS = new Set([...FUNCTION_NAMES, 'sqrt', 'pi', 'or', 'and']);

/** Removes trailing unit words ("5 cm^2", "18 dollars") when a number or formula precedes them. */
function dropUnits(s: string): string {
  s = s.replace(/([\d}])\s*[A-Za-z]+\s*\/\s*[A-Za-z]+(?:\^\{?\d\}?)?$/, '$1'); // 60 km/h, 9.8 m/s^2
  for (let i = 0; i < 4; i++) {
    const m = /(^|[^A-Za-z\\])((?:sq\.?\s*)?([A-Za-z]{2,})\.?(?:\s*\^\{?\d\}?)?)\s*$/.exec(s);
    if (!m || MATH_WORDS.has(m[3]!.toLowerCase())) break;
    const rest = s
      .slice(0, m.index + m[1]!.length)
      .trimEnd()
      .replace(/\s*(?:per|\/)\s*$/, '');
    if (!/[\d}]/.test(rest) || /[\\^_]$/.test(rest)) break;
    s = rest;
  }
  return s;
}

/** A repeating decimal A.B\overline{C} as the fraction (ABC − AB) / (10^|B| · (10^|C| − 1)). */
function repeating(_m: string, a: string, b: string, c: string): string {
  const whole = BigInt(`${a}${b}${c}` || '0') - BigInt(`${a}${b}` || '0');
  const den = 10n ** BigInt(b.length) * (10n ** BigInt(c.length) - 1n);
  return `\\frac{${whole}}{${den}}`;
}

/** Cleans LaTeX noise, units and wrappers; the result is what the parser reads. */
export function normalise(answer: string): string {
  // Square and cubic units written with ² or ³ (12 m², 3 cm³) before ² becomes ^2.
  let s = answer.trim().replace(/(\d)\s*(?:[kcdm]?m|in|ft|yd|mi)\s*[²³](?![A-Za-z\d])/g, '$1');
  for (const [re, to] of UNICODE) s = s.replace(re, to);
  s = s
    .replace(/\\\$|US\$|[€£¥]|\\euro\b|\\pounds\b/g, ' ')
    .replace(/^\\\[|\\\]$|^\\\(|\\\)$/g, '')
    .replace(/\$/g, ' ')
    .replace(/\\displaystyle|\\limits/g, ' ')
    .replace(/\\(?:left|right)\s*\./g, '')
    // e and i set upright are the constants, not units; \operatorname{arctan} is \arctan.
    .replace(/\\(?:mathrm|text|rm)\s*\{\s*([ei])\s*\}/g, '$1')
    .replace(/\\operatorname\s*\{\s*([a-z]+)\s*\}/g, (m, f: string) =>
      FUNCTION_NAMES.has(f) ? `\\${f} ` : m,
    )
    .replace(
      /\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|big|Big|bigg|Bigg)\s*(?=[()[\]{}|.\\])/g,
      '',
    )
    // Thousands separators written with a negative space or braces: 10,\!080 and 10{,}080.
    .replace(/(\d)\s*(?:,\\!|\{,\})\s*(?=\d{3})/g, '$1')
    .replace(/\\[dtc]frac/g, '\\frac')
    .replace(/\\[dt]binom/g, '\\binom')
    .replace(
      /\\\\|\\(?:,|;|:|!|quad|qquad|enspace|thinspace|medspace|thickspace|hspace\{[^}]*\})|\\ |~/g,
      (m) => (m === '\\\\' ? m : ' '),
    )
    .replace(/\s*\\(?:text|mathrm|mbox)\s*\{\s*(?:degrees?|deg)\s*\}/g, '°')
    .replace(/\s*\\(?:text|mathrm|mbox)\s*\{\s*percent\s*\}/g, '%')
    .replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|°|\\degree\b|\\circ\b/g, '°')
    .replace(/\\%|%|\\percent\b/g, '%')
    .replace(/\^\s*\{?\s*((?:\\prime\s*)+)\}?/g, (_m, p: string) =>
      "'".repeat(p.split('prime').length - 1),
    );
  // Thousands separated by spaces (1 000, 1\,000 once spacing commands became spaces).
  s = s.replace(
    /(?<![\d.])(\d{1,3})((?: +\d{3})+)(?![\d,])/g,
    (_m, a: string, b: string) => a + b.replace(/ /g, ''),
  );
  // A unit in a text wrapper after a number: 10\,\mathrm{m}, 5 \text{ cm}^2, 50 \mu\mathrm{m}.
  s = s.replace(
    /([\d})])\s*(?:\\mu\s*)?\\(?:text|mathrm|mbox|textrm|rm)\s*\{\s*~?\s*[A-Za-z][A-Za-z\s/.]*\}(?:\s*\^\s*\{?\d\}?)?\s*$/,
    '$1',
  );
  s = s.replace(/(\d*)\.(\d*)\\overline\s*\{(\d+)\}/g, repeating);
  for (let i = 0; i < 4 && TEXT_WRAPPERS.test(s); i++) {
    TEXT_WRAPPERS.lastIndex = 0;
    s = s.replace(TEXT_WRAPPERS, ' $1 ');
  }
  s = s
    .replace(/\s*\bdegrees?\b|\s*\bdeg\b/g, '°')
    .replace(/\s*\bpercent\b/g, '%')
    .replace(/\s+/g, ' ')
    .trim();
  s = dropUnits(s);
  s = s.replace(/[\s.,;:]+$/g, '').replace(/^[\s,;:]+/g, '');
  // Bare function names typed without a backslash.
  s = s.replace(
    /(^|[^\\a-zA-Z])(sin|cos|tan|sec|csc|cot|ln|log|exp|sqrt|pi)(?![a-zA-Z])/g,
    '$1\\$2',
  );
  s = s.replace(/(^|[\s(=+\-*/])(arcsin|arccos|arctan)(?![a-zA-Z])/g, '$1\\$2');
  // "x = 1 or x = 2", "2 and 3": several answers.
  if (/[\d\\=]/.test(s)) s = s.replace(/\s+(?:or|and)\s+/g, ', ');
  return s;
}

/** Whether a cleaned answer is prose ("Evelyn", "east", "even") rather than mathematics. */
export function isText(s: string): boolean {
  const plain = s.replace(/\\[a-zA-Z]+/g, ' ');
  return /[A-Za-z]{3,}/.test(plain) && !/[=<>^_\\{}]/.test(s.replace(/\\[a-zA-Z]+/g, ''));
}

/** Canonical form of a prose answer for comparison. */
export function canonicalText(s: string): string {
  return s
    .toLowerCase()
    .replace(/\\[a-z]+/g, ' ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/^(?:the|a|an) /, '');
}
