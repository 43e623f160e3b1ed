// Tokens of a normalised LaTeX answer.

export type Tok =
  | { t: 'num'; v: string }
  | { t: 'id'; v: string }
  | { t: 'cmd'; v: string }
  | { t: 'op'; v: string };

/** Commands that are operators, mapped to their operator token. */
const CMD_OPS: Record<string, string> = {
  le: '<=',
  leq: '<=',
  leqslant: '<=',
  ge: '>=',
  geq: '>=',
  geqslant: '>=',
  lt: '<',
  gt: '>',
  ne: '!=',
  neq: '!=',
  cdot: '*',
  times: '*',
  ast: '*',
  div: '/',
  pm: '±',
  mp: '∓',
  cup: '∪',
  in: '∈',
  '{': '\\{',
  '}': '\\}',
  '|': '|',
  lvert: '|',
  rvert: '|',
  vert: '|',
  mid: '|',
  langle: '(',
  rangle: ')',
  lbrack: '[',
  rbrack: ']',
  approx: '≈',
  simeq: '≈',
  equiv: '=',
  Rightarrow: ',',
  implies: ',',
  therefore: ',',
  prime: "'",
};

export class LexError extends Error {}

/** Splits a normalised answer into tokens; throws LexError on characters it does not know. */
export function lex(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      i++;
      continue;
    }
    const num = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+(?![a-zA-Z]))?/.exec(s.slice(i, i + 400));
    if (num && (c !== '.' || /\d/.test(s[i + 1] ?? ''))) {
      out.push({ t: 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    if (c === '\\') {
      const m = /^\\([a-zA-Z]+|.)/.exec(s.slice(i, i + 40));
      if (!m) throw new LexError('lone backslash');
      const name = m[1]!;
      i += m[0].length;
      if (name === '\\') out.push({ t: 'op', v: 'nl' });
      else if (CMD_OPS[name] !== undefined) out.push({ t: 'op', v: CMD_OPS[name]! });
      else out.push({ t: 'cmd', v: name });
      continue;
    }
    if (/[a-zA-Z]/.test(c)) {
      out.push({ t: 'id', v: c });
      i++;
      continue;
    }
    const two = s.slice(i, i + 2);
    if (two === '<=' || two === '>=' || two === '!=' || two === '**') {
      out.push({ t: 'op', v: two === '**' ? '^' : two });
      i += 2;
      continue;
    }
    if ("+-*/^_=<>!|,;&()[]{}°%'".includes(c)) {
      out.push({ t: 'op', v: c });
      i++;
      continue;
    }
    if (c === ':') {
      out.push({ t: 'op', v: '/' }); // ratios such as 3:4
      i++;
      continue;
    }
    throw new LexError(`unexpected character ${JSON.stringify(c)}`);
  }
  return out;
}
