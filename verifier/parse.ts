// Recursive-descent parser from normalised LaTeX to the Node tree.

import type { Node } from './ast';
import { lex, type Tok } from './lex';
import { FUNCTION_NAMES } from './names';

export class ParseError extends Error {}

const MAX_DEPTH = 60;
const MAX_TOKENS = 2000;

const GREEK = new Set([
  'alpha',
  'beta',
  'gamma',
  'delta',
  'epsilon',
  'varepsilon',
  'zeta',
  'eta',
  'theta',
  'vartheta',
  'iota',
  'kappa',
  'lambda',
  'mu',
  'nu',
  'xi',
  'rho',
  'sigma',
  'tau',
  'upsilon',
  'phi',
  'varphi',
  'chi',
  'psi',
  'omega',
  'Gamma',
  'Delta',
  'Theta',
  'Lambda',
  'Xi',
  'Sigma',
  'Phi',
  'Psi',
  'Omega',
  'hbar',
  'ell',
]);

/** Commands that carry no meaning for the value. */
const IGNORED = new Set([
  'mathbb',
  'mathcal',
  'mathfrak',
  'overline',
  'vec',
  'hat',
  'bar',
  'tilde',
  'dot',
  'ddot',
  'widetilde',
  'widehat',
]);

const REL_OPS = new Set(['=', '≈', '<', '>', '<=', '>=', '!=', '∈']);

class Parser {
  private i = 0;
  private depth = 0;
  private absDepth = 0;

  constructor(private readonly toks: Tok[]) {}

  private peek(o = 0): Tok | undefined {
    return this.toks[this.i + o];
  }

  private isOp(v: string, o = 0): boolean {
    const t = this.peek(o);
    return t !== undefined && t.t === 'op' && t.v === v;
  }

  private expect(v: string): void {
    if (!this.isOp(v)) throw new ParseError(`expected ${v}`);
    this.i++;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new ParseError('nested too deeply');
  }

  parseAll(): Node {
    if (this.toks.length === 0) throw new ParseError('empty');
    const n = this.list(new Set());
    if (this.i < this.toks.length) throw new ParseError(`unexpected ${this.peek()!.v}`);
    return n;
  }

  /** Comma- or semicolon-separated items, up to (not including) a closer in `stop`. */
  private list(stop: Set<string>): Node {
    const items: Node[] = [];
    for (;;) {
      items.push(this.union());
      const t = this.peek();
      if (t && t.t === 'op' && (t.v === ',' || t.v === ';')) {
        this.i++;
        const n = this.peek();
        if (!n || (n.t === 'op' && stop.has(n.v))) break; // trailing comma
        continue;
      }
      break;
    }
    return items.length === 1
      ? items[0]!
      : { k: 'seq', kind: 'list', open: '', close: '', a: items };
  }

  private union(): Node {
    const items = [this.rel()];
    while (this.isOp('∪')) {
      this.i++;
      items.push(this.rel());
    }
    return items.length === 1 ? items[0]! : { k: 'union', a: items };
  }

  private rel(): Node {
    const items = [this.additive()];
    const ops: string[] = [];
    for (;;) {
      const t = this.peek();
      if (t?.t !== 'op' || !REL_OPS.has(t.v)) break;
      this.i++;
      ops.push(t.v);
      items.push(t.v === '∈' ? this.union() : this.additive());
    }
    return ops.length === 0 ? items[0]! : { k: 'rel', ops, a: items };
  }

  private additive(): Node {
    let left = this.term();
    for (;;) {
      const t = this.peek();
      if (t?.t !== 'op') break;
      if (t.v === '+' || t.v === '-') {
        this.i++;
        left = { k: 'bin', op: t.v, a: left, b: this.term() };
      } else if (t.v === '±' || t.v === '∓') {
        this.i++;
        left = { k: 'pm', a: left, b: this.term(), sign: t.v === '±' ? 1 : -1 };
      } else break;
    }
    return left;
  }

  /** Whether the next token can start an implicitly multiplied factor. */
  private startsFactor(): boolean {
    const t = this.peek();
    if (!t) return false;
    if (t.t === 'num' || t.t === 'id') return true;
    if (t.t === 'cmd') return t.v !== 'end' && t.v !== 'rfloor' && t.v !== 'rceil';
    if (t.t === 'op') {
      if (t.v === '(' || t.v === '[' || t.v === '\\{' || t.v === '{') return true;
      if (t.v === '|') return this.absDepth === 0;
    }
    return false;
  }

  private term(): Node {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t && t.t === 'op' && (t.v === '*' || t.v === '/')) {
        this.i++;
        left = { k: 'bin', op: t.v, a: left, b: this.unary() };
      } else if (this.startsFactor()) {
        const right = this.power();
        // A mixed number: 1\frac{4}{5} means 1 + 4/5.
        if (left.k === 'num' && /^\d+$/.test(left.s) && right.k === 'bin' && right.frac) {
          if (right.a.k === 'num' && right.b.k === 'num') {
            left = { k: 'bin', op: '+', a: left, b: right };
            continue;
          }
        }
        left = { k: 'bin', op: '*', a: left, b: right };
      } else break;
    }
    return left;
  }

  private unary(): Node {
    if (this.isOp('-')) {
      this.i++;
      return { k: 'neg', a: this.unary() };
    }
    if (this.isOp('+')) {
      this.i++;
      return this.unary();
    }
    if (this.isOp('±')) {
      this.i++;
      return { k: 'pm', a: { k: 'num', v: 0, s: '0' }, b: this.unary(), sign: 1 };
    }
    return this.power();
  }

  private power(): Node {
    let base = this.postfix(this.primary());
    if (this.isOp('^')) {
      this.i++;
      const exp = this.signedArg();
      base = this.postfix({ k: 'bin', op: '^', a: base, b: exp });
    }
    return base;
  }

  private postfix(n: Node): Node {
    for (;;) {
      if (this.isOp('!')) {
        this.i++;
        n = { k: 'fn', n: 'fact', a: [n] };
      } else if (this.isOp('°')) {
        this.i++;
        n = { k: 'fn', n: 'deg', a: [n] };
      } else if (this.isOp('%')) {
        this.i++;
        n = { k: 'fn', n: 'pct', a: [n] };
      } else if (this.isOp("'")) {
        this.i++;
        n = n.k === 'sym' ? { k: 'sym', n: `${n.n}'` } : { k: 'fn', n: 'prime', a: [n] };
      } else return n;
    }
  }

  /** An exponent: a macro argument, possibly negated (x^-1). */
  private signedArg(): Node {
    if (!this.isOp('-')) return this.arg();
    this.i++;
    return { k: 'neg', a: this.arg() };
  }

  /** A TeX macro argument: a braced group, or a single digit, letter or command. */
  private arg(): Node {
    const t = this.peek();
    if (!t) throw new ParseError('missing argument');
    if (t.t === 'op' && t.v === '{') return this.group('{', '}');
    if (t.t === 'num' && t.v.length > 1 && /^\d/.test(t.v)) {
      // \frac12 reads one digit at a time.
      this.toks.splice(this.i, 1, { t: 'num', v: t.v[0]! }, { t: 'num', v: t.v.slice(1) });
    }
    return this.primary();
  }

  /** Reads tokens between open and close as a list; a single item is returned bare. */
  private group(open: string, close: string): Node {
    this.expect(open);
    this.enter();
    const n = this.list(new Set([close]));
    this.expect(close);
    this.depth--;
    return n;
  }

  private subscript(): string {
    if (!this.isOp('_')) return '';
    this.i++;
    const t = this.peek();
    if (t && t.t === 'op' && t.v === '{') {
      const start = this.i;
      let depth = 0;
      for (; this.i < this.toks.length; this.i++) {
        const u = this.toks[this.i]!;
        if (u.t === 'op' && u.v === '{') depth++;
        else if (u.t === 'op' && u.v === '}' && --depth === 0) break;
      }
      if (this.i >= this.toks.length) throw new ParseError('unclosed subscript');
      this.i++;
      return this.toks
        .slice(start + 1, this.i - 1)
        .map((x) => x.v)
        .join('');
    }
    if (!t) throw new ParseError('empty subscript');
    this.i++;
    return t.v;
  }

  private primary(): Node {
    this.enter();
    try {
      return this.primaryInner();
    } finally {
      this.depth--;
    }
  }

  private primaryInner(): Node {
    const t = this.peek();
    if (!t) throw new ParseError('unexpected end');
    if (t.t === 'num') {
      this.i++;
      const base = this.subscript(); // 52_8: a numeral in base 8
      const v = t.v.startsWith('.') ? `0${t.v}` : t.v;
      const n: Node = { k: 'num', v: Number(v), s: v.replace(/\.$/, '') };
      return base ? { ...n, base } : n;
    }
    if (t.t === 'id') {
      this.i++;
      const sub = this.subscript();
      return { k: 'sym', n: sub ? `${t.v}_${sub}` : t.v };
    }
    if (t.t === 'cmd') return this.command(t.v);
    switch (t.v) {
      case '{':
        return this.group('{', '}');
      case '(':
      case '[':
        return this.bracket();
      case '\\{': {
        const inner = this.group('\\{', '\\}');
        return {
          k: 'seq',
          kind: 'set',
          open: '{',
          close: '}',
          a: inner.k === 'seq' && inner.kind === 'list' ? inner.a : [inner],
        };
      }
      case '|': {
        this.i++;
        this.absDepth++;
        this.enter();
        const inner = this.additive();
        this.depth--;
        this.absDepth--;
        this.expect('|');
        return { k: 'fn', n: 'abs', a: [inner] };
      }
    }
    throw new ParseError(`unexpected ${t.v}`);
  }

  /** ( ... ) or [ ... ] with either closer: grouping, tuple or interval. */
  private bracket(): Node {
    const open = this.peek()!.v;
    this.i++;
    this.enter();
    const inner = this.list(new Set([')', ']']));
    this.depth--;
    const t = this.peek();
    if (t?.t !== 'op' || (t.v !== ')' && t.v !== ']')) throw new ParseError('unclosed bracket');
    this.i++;
    if (inner.k === 'seq' && inner.kind === 'list')
      return { k: 'seq', kind: 'paren', open, close: t.v, a: inner.a };
    if (open !== t.v.replace(')', '(').replace(']', '['))
      throw new ParseError('mismatched brackets around one item');
    return inner;
  }

  private command(name: string): Node {
    this.i++;
    if (name === 'frac' || name === 'over') {
      const a = this.arg();
      const b = this.arg();
      return { k: 'bin', op: '/', a, b, frac: true };
    }
    if (name === 'sqrt') {
      let index: Node | null = null;
      if (this.isOp('[')) {
        this.i++;
        index = this.additive();
        this.expect(']');
      }
      const a = this.arg();
      return index ? { k: 'fn', n: 'root', a: [a, index] } : { k: 'fn', n: 'sqrt', a: [a] };
    }
    if (name === 'binom' || name === 'choose')
      return { k: 'fn', n: 'binom', a: [this.arg(), this.arg()] };
    if (name === 'pi') return { k: 'sym', n: 'pi' };
    if (name === 'infty' || name === 'infin') return { k: 'sym', n: 'inf' };
    if (name === 'emptyset' || name === 'varnothing')
      return { k: 'seq', kind: 'set', open: '{', close: '}', a: [] };
    if (GREEK.has(name)) {
      const sub = this.subscript();
      return { k: 'sym', n: sub ? `${name}_${sub}` : name };
    }
    if (name === 'lfloor' || name === 'lceil') {
      this.enter();
      const inner = this.additive();
      this.depth--;
      const close = this.peek();
      if (close?.t !== 'cmd' || close.v !== (name === 'lfloor' ? 'rfloor' : 'rceil'))
        throw new ParseError(`unclosed ${name}`);
      this.i++;
      return { k: 'fn', n: name === 'lfloor' ? 'floor' : 'ceil', a: [inner] };
    }
    if (name === 'begin') return this.matrix();
    if (name === 'sum' || name === 'prod') return this.bigOperator(name);
    if (IGNORED.has(name)) {
      const inner = this.arg();
      const sub = inner.k === 'sym' ? this.subscript() : '';
      return sub && inner.k === 'sym' ? { k: 'sym', n: `${inner.n}_${sub}` } : inner;
    }
    if (name === 'angle') return { k: 'sym', n: 'angle' };
    if (FUNCTION_NAMES.has(name)) return this.func(name);
    throw new ParseError(`unknown command \\${name}`);
  }

  /** \\sum_{k=a}^{b} body and \\prod: the body is the product that follows. */
  private bigOperator(name: string): Node {
    this.expect('_');
    this.expect('{');
    const v = this.peek();
    if (v?.t !== 'id' && v?.t !== 'cmd') throw new ParseError(`\\${name} without an index`);
    this.i++;
    this.expect('=');
    this.enter();
    const lo = this.additive();
    this.depth--;
    this.expect('}');
    this.expect('^');
    const hi = this.arg();
    this.enter();
    let body = this.power();
    while (this.startsFactor()) body = { k: 'bin', op: '*', a: body, b: this.power() };
    this.depth--;
    return { k: 'fn', n: name, a: [{ k: 'sym', n: v.v }, lo, hi, body] };
  }

  private func(name: string): Node {
    let base: Node | null = null;
    let power: Node | null = null;
    if ((name === 'log' || name === 'lg') && this.isOp('_')) {
      this.i++;
      base = this.arg();
    }
    if (this.isOp('^')) {
      this.i++;
      power = this.signedArg();
    }
    // The argument: a parenthesised group, or the following product (sin 2x = sin(2x)).
    let arg: Node;
    if (this.isOp('(')) arg = this.bracket();
    else {
      arg = this.power();
      while (this.startsFactor() && this.peek()!.t !== 'cmd')
        arg = { k: 'bin', op: '*', a: arg, b: this.power() };
    }
    let n: Node =
      name === 'log' || name === 'lg'
        ? { k: 'fn', n: 'log', a: base ? [arg, base] : [arg] }
        : { k: 'fn', n: name, a: [arg] };
    if (power) {
      const inverse = power.k === 'neg' && power.a.k === 'num' && power.a.v === 1;
      n =
        inverse && n.k === 'fn'
          ? { k: 'fn', n: `arc${name}`, a: [arg] }
          : { k: 'bin', op: '^', a: n, b: power };
    }
    return n;
  }

  /** \begin{pmatrix} a & b \\ c & d \end{pmatrix} and its bmatrix/array relatives. */
  private matrix(): Node {
    const env = this.subscriptLike();
    if (this.isOp('{') && env === 'array') this.subscriptLike(); // column spec
    const rows: Node[][] = [[]];
    for (;;) {
      const t = this.peek();
      if (!t) throw new ParseError(`unclosed ${env}`);
      if (t.t === 'cmd' && t.v === 'end') {
        this.i++;
        this.subscriptLike();
        break;
      }
      if (t.t === 'op' && t.v === '&') {
        this.i++;
        continue;
      }
      if (t.t === 'op' && t.v === 'nl') {
        this.i++;
        rows.push([]);
        continue;
      }
      this.enter();
      rows[rows.length - 1]!.push(this.union());
      this.depth--;
    }
    const full = rows.filter((r) => r.length > 0);
    if (full.length === 0) throw new ParseError('empty matrix');
    return { k: 'mat', rows: full };
  }

  /** The raw text of a {name} group (environment names, array column specs). */
  private subscriptLike(): string {
    this.expect('{');
    const parts: string[] = [];
    while (!this.isOp('}')) {
      const t = this.peek();
      if (!t) throw new ParseError('unclosed group');
      parts.push(t.v);
      this.i++;
    }
    this.i++;
    return parts.join('');
  }
}

/** Parses a normalised answer; throws ParseError (or LexError) when it is not mathematics we read. */
export function parse(s: string): Node {
  const toks = lex(s);
  if (toks.length > MAX_TOKENS) throw new ParseError('too long');
  return new Parser(toks).parseAll();
}
