// The parsed form of an answer.

export type Node =
  | { k: 'num'; v: number; s: string; base?: string }
  | { k: 'sym'; n: string }
  | { k: 'bin'; op: '+' | '-' | '*' | '/' | '^'; a: Node; b: Node; frac?: boolean }
  | { k: 'neg'; a: Node }
  | { k: 'fn'; n: string; a: Node[] }
  | { k: 'pm'; a: Node; b: Node; sign: 1 | -1 }
  | { k: 'seq'; kind: 'list' | 'paren' | 'set'; open: string; close: string; a: Node[] }
  | { k: 'mat'; rows: Node[][] }
  | { k: 'rel'; ops: string[]; a: Node[] }
  | { k: 'union'; a: Node[] };

const PREC: Record<string, number> = { '+': 1, '-': 1, '*': 2, '/': 2, '^': 3 };

/** A compact, canonical rendering used in verdicts and for structural equality. */
export function show(n: Node): string {
  switch (n.k) {
    case 'num':
      return n.base ? `${n.s}_${n.base}` : n.s;
    case 'sym':
      return n.n;
    case 'bin': {
      const wrap = (c: Node, right: boolean) => {
        const s = show(c);
        if (c.k === 'bin') {
          const pc = PREC[c.op]!;
          const pn = PREC[n.op]!;
          if (pc < pn || (pc === pn && (right || n.op === '^'))) return `(${s})`;
        }
        if (c.k === 'neg' || c.k === 'pm') return `(${s})`;
        return s;
      };
      return `${wrap(n.a, false)}${n.op}${wrap(n.b, true)}`;
    }
    case 'neg':
      return `-${n.a.k === 'bin' && n.a.op !== '^' ? `(${show(n.a)})` : show(n.a)}`;
    case 'fn':
      return `${n.n}(${n.a.map(show).join(',')})`;
    case 'pm':
      return `${show(n.a)}${n.sign > 0 ? '±' : '∓'}${show(n.b)}`;
    case 'seq':
      return `${n.open}${n.a.map(show).join(',')}${n.close}`;
    case 'mat':
      return `[${n.rows.map((r) => r.map(show).join(',')).join(';')}]`;
    case 'rel':
      return n.a.map((x, i) => (i === 0 ? show(x) : `${n.ops[i - 1]}${show(x)}`)).join('');
    case 'union':
      return n.a.map(show).join('∪');
  }
}
