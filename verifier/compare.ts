// Mathematical equality of two parsed answers, with three outcomes.

import { type Node, show } from './ast';
import {
  type Budget,
  type C,
  CannotEvaluate,
  type Env,
  evaluate,
  freeVars,
  type Mode,
} from './evaluate';
import { exact } from './exact';

/** true = equal, false = different, null = could not decide. */
export type Tri = boolean | null;

export interface CompareContext {
  relativeTolerance: number;
  budget: Budget;
  /** When set, the rules applied are recorded here, in order (socratic verify --explain). */
  rules?: string[];
}

/** Records a rule for --explain; free when nobody asked. */
function rule(ctx: CompareContext, name: string): void {
  if (ctx.rules && ctx.rules.length < 50 && ctx.rules[ctx.rules.length - 1] !== name)
    ctx.rules.push(name);
}

const INF: Node = { k: 'sym', n: 'inf' };
const NEG_INF: Node = { k: 'neg', a: INF };

/** Sample points for free variables: irrational-looking, distinct per variable, some negative. */
const SAMPLES = [0.7213, 1.4631, 2.3157, -0.5813, 3.1791, 5.3717, 11.1389, 23.417];

function all(results: Iterable<Tri>): Tri {
  let unknown = false;
  for (const r of results) {
    if (r === false) return false;
    if (r === null) unknown = true;
  }
  return unknown ? null : true;
}

function any(results: Iterable<Tri>): Tri {
  let unknown = false;
  for (const r of results) {
    if (r === true) return true;
    if (r === null) unknown = true;
  }
  return unknown ? null : false;
}

function has(n: Node, pred: (x: Node) => boolean): boolean {
  if (pred(n)) return true;
  switch (n.k) {
    case 'bin':
    case 'pm':
      return has(n.a, pred) || has(n.b, pred);
    case 'neg':
      return has(n.a, pred);
    case 'fn':
    case 'seq':
    case 'union':
    case 'rel':
      return n.a.some((x) => has(x, pred));
    case 'mat':
      return n.rows.some((r) => r.some((x) => has(x, pred)));
    default:
      return false;
  }
}

/** Replaces the first ± by + and by −, giving the two answers it stands for. */
function expandPm(n: Node): Node[] {
  switch (n.k) {
    case 'pm':
      return [
        { k: 'bin', op: n.sign > 0 ? '+' : '-', a: n.a, b: n.b },
        { k: 'bin', op: n.sign > 0 ? '-' : '+', a: n.a, b: n.b },
      ];
    case 'bin': {
      const a = expandPm(n.a);
      if (a.length > 1) return a.map((x) => ({ ...n, a: x }));
      return expandPm(n.b).map((x) => ({ ...n, b: x }));
    }
    case 'neg':
      return expandPm(n.a).map((x) => ({ k: 'neg', a: x }));
    case 'fn':
      for (let i = 0; i < n.a.length; i++) {
        const e = expandPm(n.a[i]!);
        if (e.length > 1) return e.map((x) => ({ ...n, a: n.a.map((y, j) => (j === i ? x : y)) }));
      }
      return [n];
    default:
      return [n];
  }
}

/** Items of an answer with several values (lists, sets, ± and unions flattened). */
function items(n: Node): Node[] | null {
  if (n.k === 'seq' && (n.kind === 'list' || n.kind === 'set'))
    return n.a.flatMap((x) => items(x) ?? [x]);
  if (n.k === 'union') return n.a;
  if (has(n, (x) => x.k === 'pm') && n.k !== 'seq' && n.k !== 'mat') {
    let out: Node[] = [n];
    for (let i = 0; i < 4 && out.some((x) => has(x, (y) => y.k === 'pm')); i++)
      out = out.flatMap(expandPm);
    return out;
  }
  return null;
}

const isLoneSym = (n: Node | undefined): n is { k: 'sym'; n: string } =>
  n !== undefined && n.k === 'sym' && !['pi', 'e', 'i', 'inf'].includes(n.n);

/** "x = 3" → 3 and "x \in [1,2]" → [1,2]; other nodes unchanged. */
function stripVariable(n: Node): Node {
  if (
    n.k === 'rel' &&
    n.ops.length === 1 &&
    (n.ops[0] === '=' || n.ops[0] === '∈') &&
    isLoneSym(n.a[0])
  )
    return n.a[1]!;
  if (n.k === 'rel' && n.ops.length === 1 && n.ops[0] === '=' && isFunctionLhs(n.a[0]!))
    return n.a[1]!;
  const named = assignments(n);
  if (named) return { k: 'seq', kind: 'paren', open: '(', close: ')', a: [...named.values()] };
  return n;
}

/**
 * Values given to distinct variables, in the order written: (p, q) = (3, 2) and p = 3, q = 2
 * both give p → 3, q → 2. Null for anything else.
 */
function assignments(n: Node): Map<string, Node> | null {
  const out = new Map<string, Node>();
  let count = 0;
  if (n.k === 'rel' && n.ops.length === 1 && n.ops[0] === '=') {
    const [l, r] = n.a as [Node, Node];
    if (!isParen(l) || !isParen(r) || l.a.length !== r.a.length || !l.a.every(isLoneSym))
      return null;
    count = l.a.length;
    l.a.forEach((v, i) => {
      out.set((v as { n: string }).n, r.a[i]!);
    });
  } else if (n.k === 'seq' && n.kind === 'list') {
    count = n.a.length;
    for (const x of n.a) {
      if (x.k !== 'rel' || x.ops.length !== 1 || x.ops[0] !== '=' || !isLoneSym(x.a[0]))
        return null;
      out.set(x.a[0].n, x.a[1]!);
    }
  } else return null;
  return out.size === count ? out : null; // a variable named twice is a list of answers
}

/** Same variables given equal values, whatever the order they are listed in. */
function sameAssignments(g: Map<string, Node>, p: Map<string, Node>, ctx: CompareContext): Tri {
  if (g.size !== p.size || [...g.keys()].some((v) => !p.has(v))) return null;
  return all([...g].map(([v, x]) => compare(x, p.get(v)!, ctx)));
}

/** A bound index renamed inside symbol names (F_{n-j-1} → F_{n-k-1}). */
function rename(n: Node, from: string, to: string): Node {
  const swap = (name: string) =>
    name
      .split(/([^A-Za-z0-9]+)/)
      .map((t) => (t === from ? to : t))
      .join('');
  switch (n.k) {
    case 'sym':
      return { k: 'sym', n: swap(n.n) };
    case 'bin':
      return { ...n, a: rename(n.a, from, to), b: rename(n.b, from, to) };
    case 'pm':
      return { ...n, a: rename(n.a, from, to), b: rename(n.b, from, to) };
    case 'neg':
      return { k: 'neg', a: rename(n.a, from, to) };
    case 'fn':
    case 'seq':
    case 'union':
    case 'rel':
      return { ...n, a: n.a.map((x) => rename(x, from, to)) } as Node;
    case 'mat':
      return { k: 'mat', rows: n.rows.map((r) => r.map((x) => rename(x, from, to))) };
    default:
      return n;
  }
}

const isBigOperator = (n: Node): n is Node & { k: 'fn' } =>
  n.k === 'fn' && (n.n === 'sum' || n.n === 'prod');

/** Two sums (or products) with the index renamed alike: same bounds, equal bodies. */
function bigOperators(g: Node & { k: 'fn' }, p: Node & { k: 'fn' }, ctx: CompareContext): Tri {
  const gi = (g.a[0] as { n: string }).n;
  const pi = (p.a[0] as { n: string }).n;
  const renamed = gi === pi ? p : (rename(p, pi, gi) as Node & { k: 'fn' });
  const [, plo, phi, pbody] = renamed.a;
  const [, glo, ghi, gbody] = g.a;
  return all([compare(glo!, plo!, ctx), compare(ghi!, phi!, ctx), compare(gbody!, pbody!, ctx)]);
}

/** f(x) or f_n: a named function on the left of an equation. */
function isFunctionLhs(n: Node): boolean {
  return n.k === 'bin' && n.op === '*' && isLoneSym(n.a) && (isLoneSym(n.b) || n.b.k === 'num');
}

/** Whether a bound is a known real number below zero (unknown when it cannot be evaluated). */
function negative(n: Node): boolean | null {
  if (isInfinity(n)) return n.k === 'neg';
  try {
    const v = evaluate(n, new Map(), MODES[0]!, { steps: 10_000, deadline: Date.now() + 50 });
    return v.im === 0 && Number.isFinite(v.re) ? v.re < 0 : null;
  } catch (e) {
    if (e instanceof CannotEvaluate) return null;
    throw e;
  }
}

/** x ≠ a as (−∞, a) ∪ (a, ∞); a ≤ |x| ≤ b as [−b, −a] ∪ [a, b]; otherwise an inequality() interval. */
function relationSet(n: Node): Node | null {
  if (n.k !== 'rel') return null;
  if (n.ops.length === 1 && n.ops[0] === '!=') {
    const [l, r] = n.a as [Node, Node];
    const bound = isLoneSym(l) ? r : isLoneSym(r) ? l : null;
    if (!bound || freeVars(bound).size > 0) return null;
    const paren = (a: Node, b: Node): Node => ({
      k: 'seq',
      kind: 'paren',
      open: '(',
      close: ')',
      a: [a, b],
    });
    return { k: 'union', a: [paren(NEG_INF, bound), paren(bound, INF)] };
  }
  const at = n.a.findIndex((x) => x.k === 'fn' && x.n === 'abs' && isLoneSym(x.a[0]));
  if (at < 0) return inequality(n);
  const q = inequality({ ...n, a: n.a.map((x, i) => (i === at ? (x as { a: Node[] }).a[0]! : x)) });
  if (q?.k !== 'seq') return null;
  const [lo, hi] = q.a as [Node, Node];
  const flip = (b: string) => (b === '[' ? ']' : b === ']' ? '[' : b === '(' ? ')' : '(');
  const neg = (x: Node): Node => (x.k === 'neg' ? x.a : { k: 'neg', a: x });
  const loNeg = negative(lo);
  if (loNeg === null) return null;
  if (loNeg || (lo.k === 'num' && lo.v === 0 && q.open === '[')) {
    if (isInfinity(hi)) return null; // every real number
    return { ...q, open: flip(q.close), a: [neg(hi), hi] };
  }
  const left: Node = { ...q, open: flip(q.close), close: flip(q.open), a: [neg(hi), neg(lo)] };
  return { k: 'union', a: [left, q] };
}

/** A one-variable inequality as an interval, or null. */
function inequality(n: Node): Node | null {
  if (n.k !== 'rel' || n.ops.some((o) => !['<', '<=', '>', '>='].includes(o))) return null;
  const vars = n.a.filter(isLoneSym);
  if (
    vars.length !== 1 ||
    freeVars({ k: 'seq', kind: 'list', open: '', close: '', a: n.a.filter((x) => x !== vars[0]) })
      .size > 0
  )
    return null;
  const at = n.a.indexOf(vars[0]!);
  let lo: Node = NEG_INF;
  let hi: Node = INF;
  let open = '(';
  let close = ')';
  const bound = (other: Node, op: string, varOnLeft: boolean) => {
    const less = op === '<' || op === '<=';
    const closed = op.endsWith('=');
    // x < a or a > x bounds x from above.
    if (less === varOnLeft) {
      hi = other;
      close = closed ? ']' : ')';
    } else {
      lo = other;
      open = closed ? '[' : '(';
    }
  };
  if (at > 0) bound(n.a[at - 1]!, n.ops[at - 1]!, false);
  if (at < n.a.length - 1) bound(n.a[at + 1]!, n.ops[at]!, true);
  return { k: 'seq', kind: 'paren', open, close, a: [lo, hi] };
}

function asInterval(n: Node): Node {
  const q = relationSet(n);
  if (q) return q;
  if (n.k === 'seq' && n.kind === 'list') return { ...n, a: n.a.map(asInterval) };
  if (n.k === 'union') return { ...n, a: n.a.map(asInterval) };
  return n;
}

const literalInt = (n: Node): string | null => {
  if (n.k === 'num' && /^\d+$/.test(n.s)) return n.s;
  if (n.k === 'neg' && n.a.k === 'num' && /^\d+$/.test(n.a.s)) return `-${n.a.s}`;
  return null;
};

/** Decimals written after the point in a literal such as -0.35, or null when not a decimal literal. */
const literalDecimals = (n: Node): number | null => {
  const s = n.k === 'num' ? n.s : n.k === 'neg' && n.a.k === 'num' ? n.a.s : null;
  if (s === null || /e/i.test(s)) return null;
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
};

/** Relative closeness; against an exact zero, rounding noise below 1e-13 also counts (0 vs sin π). */
function close(a: C, b: C, tol: number): boolean {
  const ma = Math.hypot(a.re, a.im);
  const mb = Math.hypot(b.re, b.im);
  const d = Math.hypot(a.re - b.re, a.im - b.im);
  return d <= tol * Math.max(ma, mb) || ((ma === 0 || mb === 0) && d <= 1e-13);
}

const isInfinity = (n: Node): boolean =>
  n.k === 'neg' ? isInfinity(n.a) : n.k === 'sym' && n.n === 'inf';

/** Exact rational comparison for numbers too large for floating point (2^{1009}), else unknown. */
function exactOrUnknown(g: Node, p: Node): Tri {
  const a = exact(g);
  const b = exact(p);
  return a && b ? a.n * b.d === b.n * a.d : null;
}

function numbersEqual(g: C, p: C, gn: Node, pn: Node, ctx: CompareContext): Tri {
  const finite = (x: C) => Number.isFinite(x.re) && Number.isFinite(x.im);
  if (!finite(g) || !finite(p)) {
    if (Number.isNaN(g.re) || Number.isNaN(g.im)) return null;
    if (finite(g)) return false; // overflow or division by zero against a finite reference
    if (isInfinity(gn)) return g.re === p.re && g.im === p.im ? true : finite(p) ? false : null;
    return exactOrUnknown(gn, pn); // overflowed: compare exactly when the numbers allow it
  }
  const gInt = g.im === 0 && Math.abs(g.re) < 1e15 && Math.abs(g.re - Math.round(g.re)) < 1e-9;
  // Beyond 2^53 floating point cannot tell integers apart: compare exactly when possible.
  if (Math.abs(g.re) > 1e15 || Math.abs(p.re) > 1e15) {
    const e = exactOrUnknown(gn, pn);
    if (e !== null) return e;
  }
  if (close(g, p, gInt ? 1e-9 : ctx.relativeTolerance)) return true;
  // A rounded decimal reference (0.33) matches an exact prediction (1/3) that rounds to it;
  // a rounded prediction against an exact reference stays different, as in Math-Verify.
  const gd = literalDecimals(gn);
  if (g.im === 0 && p.im === 0 && gd !== null && gd >= 2 && literalDecimals(pn) === null)
    return Math.abs(g.re - p.re) <= 0.5001 * 10 ** -gd;
  return false;
}

const MODES: Mode[] = [
  { degrees: 'plain', percent: 'plain' },
  { degrees: 'radians', percent: 'fraction' },
];

/** The value of a numeral written in a base (52_8 = 42), or null when its digits do not fit. */
function inBase(digits: string, base: string): bigint | null {
  const b = Number(base);
  if (!/^\d+$/.test(digits) || !Number.isInteger(b) || b < 2 || b > 36) return null;
  let v = 0n;
  for (const d of digits) {
    if (Number(d) >= b) return null;
    v = v * BigInt(b) + BigInt(d);
  }
  return v;
}

/** Numerals with a base: same digits, or (both based) the same value. */
function numerals(g: Node, p: Node): Tri | undefined {
  if (g.k !== 'num' || p.k !== 'num' || (!g.base && !p.base)) return undefined;
  if (!g.base || !p.base || g.base === p.base) return g.s === p.s; // 52_8 vs 52: the base was left out
  const a = inBase(g.s, g.base);
  const b = inBase(p.s, p.base);
  return a !== null && b !== null ? a === b : null;
}

function scalar(g: Node, p: Node, ctx: CompareContext): Tri {
  const based = numerals(g, p);
  if (based !== undefined) return based;
  const gi = literalInt(g);
  const pi = literalInt(p);
  if (gi !== null && pi !== null) {
    rule(ctx, 'integers: exact');
    return BigInt(gi) === BigInt(pi);
  }
  const marks = (n: Node) => has(n, (x) => x.k === 'fn' && (x.n === 'deg' || x.n === 'pct'));
  const gModes = marks(g) ? MODES : MODES.slice(0, 1);
  const pModes = marks(p) ? MODES : MODES.slice(0, 1);
  const vars = [...freeVars(g, freeVars(p))];
  rule(
    ctx,
    vars.length === 0
      ? 'numbers: value'
      : `expressions: values at sample points of ${vars.join(', ')}`,
  );
  const results: Tri[] = [];
  for (const gm of gModes)
    for (const pm of pModes) {
      results.push(
        vars.length === 0 ? constants(g, p, gm, pm, ctx) : sampled(g, p, vars, gm, pm, ctx),
      );
      if (results[results.length - 1] === true) return true;
    }
  return any(results);
}

function constants(g: Node, p: Node, gm: Mode, pm: Mode, ctx: CompareContext): Tri {
  try {
    const gv = evaluate(g, new Map(), gm, ctx.budget);
    const pv = evaluate(p, new Map(), pm, ctx.budget);
    return numbersEqual(gv, pv, g, p, ctx);
  } catch (e) {
    if (e instanceof CannotEvaluate) return null;
    throw e;
  }
}

function sampled(g: Node, p: Node, vars: string[], gm: Mode, pm: Mode, ctx: CompareContext): Tri {
  let agree = 0;
  for (let k = 0; k < SAMPLES.length; k++) {
    const env: Env = new Map();
    vars.forEach((v, j) => {
      env.set(v, { re: SAMPLES[(k + j) % SAMPLES.length]! + 0.1372 * j, im: 0 });
    });
    let gv: C;
    let pv: C;
    try {
      gv = evaluate(g, env, gm, ctx.budget);
      pv = evaluate(p, env, pm, ctx.budget);
    } catch (e) {
      if (e instanceof CannotEvaluate) return null;
      throw e;
    }
    if (![gv.re, gv.im, pv.re, pv.im].every(Number.isFinite)) continue;
    if (!close(gv, pv, 1e-7)) return false;
    if (++agree >= 5) break;
  }
  return agree >= 2 ? true : null;
}

/** Two equations are equal when (l − r) of one is a constant non-zero multiple of the other's. */
function equations(g: Node & { k: 'rel' }, p: Node & { k: 'rel' }, ctx: CompareContext): Tri {
  const gf: Node = { k: 'bin', op: '-', a: g.a[0]!, b: g.a[1]! };
  const pf: Node = { k: 'bin', op: '-', a: p.a[0]!, b: p.a[1]! };
  const vars = [...freeVars(gf, freeVars(pf))];
  if (vars.length === 0) return scalar(gf, pf, ctx);
  let ratio: C | null = null;
  let agree = 0;
  const mode = MODES[0]!;
  for (let k = 0; k < SAMPLES.length; k++) {
    const env: Env = new Map();
    vars.forEach((v, j) => {
      env.set(v, { re: SAMPLES[(k + j) % SAMPLES.length]! + 0.1372 * j, im: 0 });
    });
    let a: C;
    let b: C;
    try {
      a = evaluate(gf, env, mode, ctx.budget);
      b = evaluate(pf, env, mode, ctx.budget);
    } catch (e) {
      if (e instanceof CannotEvaluate) return null;
      throw e;
    }
    if (![a.re, a.im, b.re, b.im].every(Number.isFinite)) continue;
    if (Math.hypot(a.re, a.im) < 1e-12 || Math.hypot(b.re, b.im) < 1e-12) {
      if (Math.hypot(a.re, a.im) < 1e-12 && Math.hypot(b.re, b.im) < 1e-12) continue;
      return false;
    }
    const r = { re: a.re / b.re, im: 0 };
    if (a.im !== 0 || b.im !== 0) continue;
    if (ratio === null) ratio = r;
    else if (!close(ratio, r, 1e-7)) return false;
    if (++agree >= 5) break;
  }
  return agree >= 2 ? true : null;
}

function ordered(g: Node[], p: Node[], ctx: CompareContext): Tri {
  if (g.length !== p.length) return false;
  return all(g.map((x, i) => compare(x, p[i]!, ctx)));
}

/** Multiset equality: every gold item pairs with a distinct equal prediction item. */
function unordered(g: Node[], p: Node[], ctx: CompareContext): Tri {
  if (g.length !== p.length) return false;
  if (g.length > 64) return null;
  const used = new Array<boolean>(p.length).fill(false);
  let unknown = false;
  for (const x of g) {
    let found = false;
    let maybe = false;
    for (let j = 0; j < p.length; j++) {
      if (used[j]) continue;
      const r = compare(x, p[j]!, ctx);
      if (r === true) {
        used[j] = true;
        found = true;
        break;
      }
      if (r === null) maybe = true;
    }
    if (!found) {
      if (!maybe) return false;
      unknown = true;
    }
  }
  return unknown ? null : true;
}

const isParen = (n: Node): n is Node & { k: 'seq' } => n.k === 'seq' && n.kind === 'paren';

function matrixCells(n: Node): Node[] | null {
  if (n.k === 'mat' && (n.rows.length === 1 || n.rows.every((r) => r.length === 1)))
    return n.rows.flat();
  if (n.k === 'seq' && (n.kind === 'paren' || n.kind === 'list')) return n.a;
  return null;
}

/** Compares two parsed answers. */
export function compare(g0: Node, p0: Node, ctx: CompareContext): Tri {
  if (show(g0) === show(p0)) return true;
  let g = g0;
  let p = p0;
  const ga = assignments(g);
  const pa = ga && assignments(p);
  if (ga && pa) {
    rule(ctx, 'values of the same variables');
    return sameAssignments(ga, pa, ctx);
  }
  if (isBigOperator(g) && isBigOperator(p) && g.n === p.n) {
    rule(ctx, `${g.n} with the index renamed: bounds and body`);
    const r = bigOperators(g, p, ctx);
    if (r !== null) return r;
  }
  // Two relations: equations by proportionality, inequalities as intervals.
  if (g.k === 'rel' && p.k === 'rel') {
    if (g.ops.length === 1 && p.ops.length === 1 && g.ops[0] === '=' && p.ops[0] === '=') {
      const gs = stripVariable(g);
      const ps = stripVariable(p);
      if (gs !== g && ps !== p && show(g.a[0]!) === show(p.a[0]!)) return compare(gs, ps, ctx);
      rule(ctx, 'equations: one a multiple of the other');
      return equations(g, p, ctx);
    }
  }
  g = asInterval(stripVariable(g));
  p = asInterval(stripVariable(p));
  if (g !== g0 || p !== p0) {
    rule(ctx, 'relation read as its value or set (x = 3 → 3, x > 2 → (2, ∞))');
    if (show(g) === show(p)) return true;
  }
  // A chain in the prediction: the last link is the answer (2 + 3 = 5), and so is an exact
  // value followed by its approximation (1/6 ≈ 0.1667).
  if (p.k === 'rel' && g.k !== 'rel' && p.ops.every((o) => o === '=' || o === '≈')) {
    rule(ctx, 'chain of equalities: its last link');
    const links = p.a.filter((_x, i) => i === p.a.length - 1 || p.ops[i] === '≈');
    return any(links.filter((x) => !isLoneSym(x)).map((x) => compare(g, x, ctx)));
  }
  if (g.k === 'rel' || p.k === 'rel') return null; // e.g. a two-variable inequality
  // Matrices and vectors.
  if (g.k === 'mat' || p.k === 'mat') rule(ctx, 'matrices: entry by entry');
  if (g.k === 'mat' && p.k === 'mat') {
    if (g.rows.length !== p.rows.length || g.rows.some((r, i) => r.length !== p.rows[i]!.length))
      return false;
    return ordered(g.rows.flat(), p.rows.flat(), ctx);
  }
  if (g.k === 'mat' || p.k === 'mat') {
    const gc = matrixCells(g);
    const pc = matrixCells(p);
    return gc && pc ? ordered(gc, pc, ctx) : false;
  }
  // Tuples, points and intervals keep their order and brackets.
  if (isParen(g) && isParen(p)) {
    rule(ctx, 'tuples and intervals: in order, same brackets');
    if (g.a.length !== p.a.length) return false;
    if (g.open !== p.open || g.close !== p.close) {
      // (a, b] and (a, b) are different intervals; a point is never written with [ ].
      return g.a.length === 2 ? false : ordered(g.a, p.a, ctx);
    }
    return ordered(g.a, p.a, ctx);
  }
  const gi = items(g);
  const pi = items(p);
  if (isParen(g) && pi && p.k === 'seq' && p.kind === 'list') return ordered(g.a, pi, ctx);
  if (isParen(p) && gi && g.k === 'seq' && g.kind === 'list') return unordered(gi, p.a, ctx);
  if (gi || pi) {
    const gl = gi ?? [g];
    const pl = pi ?? [p];
    if (gl.length === 1 && pl.length === 1) return compare(gl[0]!, pl[0]!, ctx);
    rule(ctx, 'several answers: as a set');
    return unordered(gl, pl, ctx);
  }
  if (isParen(g) || isParen(p)) return false;
  return scalar(g, p, ctx);
}
