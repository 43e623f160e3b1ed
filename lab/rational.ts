// Exact answers: integers and reduced fractions, written the way MATH writes them.

export interface Rational {
  num: number;
  den: number;
}

export function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y) [x, y] = [y, x % y];
  return x;
}

export function lcm(a: number, b: number): number {
  return (Math.abs(a) / gcd(a, b)) * Math.abs(b);
}

export function rational(num: number, den = 1): Rational {
  if (den === 0) throw new Error('division by zero');
  const sign = den < 0 ? -1 : 1;
  const g = gcd(num, den) || 1;
  return { num: (sign * num) / g, den: (sign * den) / g };
}

export function formatRational(r: Rational): string {
  if (r.den === 1) return String(r.num);
  const sign = r.num < 0 ? '-' : '';
  return `${sign}\\frac{${Math.abs(r.num)}}{${r.den}}`;
}

/** Integer or fraction answer in LaTeX. */
export function formatAnswer(num: number, den = 1): string {
  return formatRational(rational(num, den));
}

/** Reads an answer as the lab writes it (and a few common spellings), or null. */
export function parseAnswer(text: string): Rational | null {
  const s = text
    .replace(/\\(left|right|!|,|;|quad)/g, '')
    .replace(/\\[dt]frac/g, '\\frac')
    .replace(/\s+/g, '')
    .replace(/^\$+|[.$]+$/g, '')
    .replace(/^[a-z]=/i, '');
  const frac = /^(-?)\\frac\{?(-?\d+)\}?\{?(\d+)\}?$/.exec(s);
  if (frac) {
    const r = rational(Number(frac[2]), Number(frac[3]));
    return frac[1] ? { num: -r.num, den: r.den } : r;
  }
  const slash = /^(-?\d+)\/(\d+)$/.exec(s);
  if (slash) return rational(Number(slash[1]), Number(slash[2]));
  if (/^-?\d+$/.test(s.replace(/,/g, ''))) return rational(Number(s.replace(/,/g, '')));
  return null;
}

/** Equal as numbers when both parse; otherwise equal as normalised text. */
export function sameAnswer(a: string, b: string): boolean {
  const x = parseAnswer(a);
  const y = parseAnswer(b);
  if (x && y) return x.num === y.num && x.den === y.den;
  return a.replace(/\s+/g, '') === b.replace(/\s+/g, '');
}
