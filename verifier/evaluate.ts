// Numeric evaluation of a scalar Node over the complex numbers, bounded in work.

import type { Node } from './ast';

export interface C {
  re: number;
  im: number;
}

export class CannotEvaluate extends Error {}

/** How degree and percent marks are read: as written (30° = 30) or converted (30° = π/6, 5% = 0.05). */
export interface Mode {
  degrees: 'plain' | 'radians';
  percent: 'plain' | 'fraction';
}

export interface Budget {
  steps: number;
  deadline: number;
}

const c = (re: number, im = 0): C => ({ re, im });
const NAN = c(Number.NaN, Number.NaN);

function mul(a: C, b: C): C {
  if (a.im === 0 && b.im === 0) return c(a.re * b.re);
  return c(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
}

function div(a: C, b: C): C {
  if (a.im === 0 && b.im === 0) return b.re === 0 ? NAN : c(a.re / b.re);
  const d = b.re * b.re + b.im * b.im;
  if (d === 0) return NAN;
  return c((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d);
}

function exp(a: C): C {
  const m = Math.exp(a.re);
  return a.im === 0 ? c(m) : c(m * Math.cos(a.im), m * Math.sin(a.im));
}

function log(a: C): C {
  if (a.im === 0 && a.re > 0) return c(Math.log(a.re));
  return c(Math.log(Math.hypot(a.re, a.im)), Math.atan2(a.im, a.re));
}

function pow(a: C, b: C): C {
  if (a.im === 0 && b.im === 0) {
    if (a.re >= 0 || Number.isInteger(b.re)) return c(a.re ** b.re);
  }
  if (a.re === 0 && a.im === 0) return b.re > 0 ? c(0) : NAN;
  if (b.im === 0 && Number.isInteger(b.re) && Math.abs(b.re) <= 64) {
    let r = c(1);
    for (let k = 0; k < Math.abs(b.re); k++) r = mul(r, a);
    return b.re < 0 ? div(c(1), r) : r;
  }
  return exp(mul(b, log(a)));
}

function sqrt(a: C): C {
  if (a.im === 0 && a.re >= 0) return c(Math.sqrt(a.re));
  const m = Math.hypot(a.re, a.im);
  const re = Math.sqrt((m + a.re) / 2);
  const im = Math.sqrt((m - a.re) / 2);
  return c(re, a.im < 0 ? -im : im);
}

/** A real-only function: complex arguments give NaN so that sampling skips the point. */
function real(f: (x: number) => number): (a: C) => C {
  return (a) => (Math.abs(a.im) > 1e-12 * Math.max(1, Math.abs(a.re)) ? NAN : c(f(a.re)));
}

/** Γ(x) by the Lanczos approximation (g = 7), for factorials and binomials of non-integers. */
const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531,
  -176.61503916999186, 12.507343278686905, -0.13857109526572012, 9.984369578019572e-6,
  1.5056327351493116e-7,
];
function gamma(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  const y = x - 1;
  let a = LANCZOS[0]!;
  const t = y + 7.5;
  for (let k = 1; k < 9; k++) a += LANCZOS[k]! / (y + k);
  return Math.sqrt(2 * Math.PI) * t ** (y + 0.5) * Math.exp(-t) * a;
}

function factorial(n: number): number {
  if (n > 170) return Number.POSITIVE_INFINITY;
  if (!Number.isInteger(n)) return gamma(n + 1);
  if (n < 0) return Number.NaN;
  let r = 1;
  for (let k = 2; k <= n; k++) r *= k;
  return r;
}

function binom(n: number, k: number): number {
  if (!Number.isInteger(k) || !Number.isInteger(n))
    return gamma(n + 1) / (gamma(k + 1) * gamma(n - k + 1));
  if (k < 0 || k > 1000) return Number.NaN;
  let r = 1;
  for (let j = 1; j <= k; j++) r = (r * (n - k + j)) / j;
  return Math.round(r);
}

const UNARY: Record<string, (a: C) => C> = {
  sqrt,
  exp,
  ln: log,
  sin: (a) => (a.im === 0 ? c(Math.sin(a.re)) : div(sub(exp(mulI(a)), exp(mulI(neg(a)))), c(0, 2))),
  cos: (a) => (a.im === 0 ? c(Math.cos(a.re)) : mul(add(exp(mulI(a)), exp(mulI(neg(a)))), c(0.5))),
  tan: (a) => div(UNARY.sin!(a), UNARY.cos!(a)),
  sec: (a) => div(c(1), UNARY.cos!(a)),
  csc: (a) => div(c(1), UNARY.sin!(a)),
  cot: (a) => div(UNARY.cos!(a), UNARY.sin!(a)),
  arcsin: real(Math.asin),
  arccos: real(Math.acos),
  arctan: real(Math.atan),
  sinh: real(Math.sinh),
  cosh: real(Math.cosh),
  tanh: real(Math.tanh),
  abs: (a) => c(Math.hypot(a.re, a.im)),
  floor: real(Math.floor),
  ceil: real(Math.ceil),
  fact: real(factorial),
  prime: () => NAN,
};

function add(a: C, b: C): C {
  return c(a.re + b.re, a.im + b.im);
}
function sub(a: C, b: C): C {
  return c(a.re - b.re, a.im - b.im);
}
function neg(a: C): C {
  return c(-a.re, -a.im);
}
function mulI(a: C): C {
  return c(-a.im, a.re);
}

export type Env = Map<string, C>;

/** Evaluates a scalar expression; variables come from env. Throws CannotEvaluate when it cannot (non-scalar, unbound name, budget spent). */
export function evaluate(n: Node, env: Env, mode: Mode, budget: Budget): C {
  if (--budget.steps < 0) throw new CannotEvaluate('step budget spent');
  if ((budget.steps & 1023) === 0 && Date.now() > budget.deadline)
    throw new CannotEvaluate('time budget spent');
  switch (n.k) {
    case 'num':
      return c(n.v);
    case 'sym': {
      const v = env.get(n.n);
      if (v) return v;
      if (n.n === 'pi') return c(Math.PI);
      if (n.n === 'e') return c(Math.E);
      if (n.n === 'i') return c(0, 1);
      if (n.n === 'inf') return c(Number.POSITIVE_INFINITY);
      throw new CannotEvaluate(`unbound ${n.n}`);
    }
    case 'neg':
      return neg(evaluate(n.a, env, mode, budget));
    case 'bin': {
      const a = evaluate(n.a, env, mode, budget);
      const b = evaluate(n.b, env, mode, budget);
      switch (n.op) {
        case '+':
          return add(a, b);
        case '-':
          return sub(a, b);
        case '*':
          return mul(a, b);
        case '/':
          return div(a, b);
        case '^':
          return pow(a, b);
      }
      break;
    }
    case 'fn': {
      if (n.n === 'sum' || n.n === 'prod') return bigOperator(n, env, mode, budget);
      const args = n.a.map((x) => evaluate(x, env, mode, budget));
      const a = args[0]!;
      if (n.n === 'deg') return mode.degrees === 'radians' ? mul(a, c(Math.PI / 180)) : a;
      if (n.n === 'pct') return mode.percent === 'fraction' ? mul(a, c(0.01)) : a;
      if (n.n === 'log') return args[1] ? div(log(a), log(args[1])) : log(a);
      if (n.n === 'root') return pow(a, div(c(1), args[1]!));
      if (n.n === 'binom') return c(binom(a.re, args[1]!.re));
      const f = UNARY[n.n];
      if (!f) throw new CannotEvaluate(`unknown function ${n.n}`);
      return f(a);
    }
  }
  throw new CannotEvaluate(`not a scalar: ${n.k}`);
}

/** Most terms a sum or product with numeric bounds is evaluated over. */
const MAX_TERMS = 10_000;

/** \\sum / \\prod (a = [index, from, to, body]) over integer bounds. */
function bigOperator(n: Node & { k: 'fn' }, env: Env, mode: Mode, budget: Budget): C {
  const [index, from, to, body] = n.a as [Node & { k: 'sym' }, Node, Node, Node];
  const lo = evaluate(from, env, mode, budget);
  const hi = evaluate(to, env, mode, budget);
  const integer = (x: C) => x.im === 0 && Number.isInteger(x.re);
  if (!integer(lo) || !integer(hi) || hi.re - lo.re > MAX_TERMS)
    throw new CannotEvaluate(`${n.n} over symbolic bounds`);
  const inner = new Map(env);
  let acc = c(n.n === 'sum' ? 0 : 1);
  for (let k = lo.re; k <= hi.re; k++) {
    inner.set(index.n, c(k));
    const v = evaluate(body, inner, mode, budget);
    acc = n.n === 'sum' ? add(acc, v) : mul(acc, v);
  }
  return acc;
}

/** Names of the free variables in a scalar expression. */
export function freeVars(n: Node, out: Set<string> = new Set()): Set<string> {
  switch (n.k) {
    case 'sym':
      if (!['pi', 'e', 'i', 'inf'].includes(n.n)) out.add(n.n);
      break;
    case 'bin':
    case 'pm':
      freeVars(n.a, out);
      freeVars(n.b, out);
      break;
    case 'neg':
      freeVars(n.a, out);
      break;
    case 'fn':
      if (n.n === 'sum' || n.n === 'prod') {
        // The index is bound: free only where it also appears outside.
        const index = (n.a[0] as { n: string }).n;
        const inner = new Set<string>();
        for (const x of n.a.slice(1)) freeVars(x, inner);
        inner.delete(index);
        for (const v of inner) out.add(v);
        break;
      }
      for (const x of n.a) freeVars(x, out);
      break;
    case 'seq':
    case 'union':
    case 'rel':
      for (const x of n.a) freeVars(x, out);
      break;
    case 'mat':
      for (const r of n.rows) for (const x of r) freeVars(x, out);
      break;
  }
  return out;
}
