// Exact rational arithmetic for integer expressions too large for floating point.

import type { Node } from './ast';

export interface Rational {
  n: bigint;
  d: bigint;
}

/** Largest result, in bits, that we are willing to build. */
const MAX_BITS = 100_000n;

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y) [x, y] = [y, x % y];
  return x;
}

function make(n: bigint, d: bigint): Rational | null {
  if (d === 0n) return null;
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}

function bits(x: bigint): bigint {
  return BigInt((x < 0n ? -x : x).toString(16).length * 4);
}

function literal(s: string): Rational | null {
  const m = /^(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m) return null;
  const frac = m[2] ?? '';
  return make(BigInt(`${m[1] || '0'}${frac}` || '0'), 10n ** BigInt(frac.length));
}

/** The exact value of a rational expression, or null when it is not one (or would be too large). */
export function exact(node: Node): Rational | null {
  switch (node.k) {
    case 'num':
      return literal(node.s);
    case 'neg': {
      const a = exact(node.a);
      return a && { n: -a.n, d: a.d };
    }
    case 'fn': {
      if (node.n !== 'fact') return null;
      const a = exact(node.a[0]!);
      if (a?.d !== 1n || a.n < 0n || a.n > 5000n) return null;
      let r = 1n;
      for (let k = 2n; k <= a.n; k++) r *= k;
      return { n: r, d: 1n };
    }
    case 'bin': {
      const a = exact(node.a);
      const b = exact(node.b);
      if (!a || !b) return null;
      switch (node.op) {
        case '+':
          return make(a.n * b.d + b.n * a.d, a.d * b.d);
        case '-':
          return make(a.n * b.d - b.n * a.d, a.d * b.d);
        case '*':
          return make(a.n * b.n, a.d * b.d);
        case '/':
          return make(a.n * b.d, a.d * b.n);
        case '^': {
          if (b.d !== 1n) return null;
          const e = b.n < 0n ? -b.n : b.n;
          if ((bits(a.n) + bits(a.d)) * e > MAX_BITS) return null;
          const r = make(a.n ** e, a.d ** e);
          return r && b.n < 0n ? make(r.d, r.n) : r;
        }
      }
      return null;
    }
    default:
      return null;
  }
}
