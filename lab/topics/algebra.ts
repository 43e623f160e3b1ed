// Linear equations in x. Difficulty is the shape: x + b = c; ax + b = c; x on both
// sides; one bracket; two brackets.
import { defineForm, type Form } from '../form';
import { formatRational, type Rational, rational } from '../rational';
import type { Rng } from '../rng';

interface Equation {
  left: string;
  right: string;
}

interface Linear {
  coef: number;
  constant: number;
}

const TERM = /([+-]?)(?:(\d*)\(x([+-])(\d+)\)|(\d*)x|(\d+))/y;

/** Reads one side ("3(x + 2) - 2x + 7") as coef·x + constant. */
export function readLinear(side: string): Linear {
  const text = side.replace(/\s+/g, '');
  let coef = 0;
  let constant = 0;
  TERM.lastIndex = 0;
  while (TERM.lastIndex < text.length) {
    const m = TERM.exec(text);
    if (!m) throw new Error(`cannot read ${side}`);
    const sign = m[1] === '-' ? -1 : 1;
    if (m[4] !== undefined) {
      const a = m[2] ? Number(m[2]) : 1;
      coef += sign * a;
      constant += sign * a * (m[3] === '-' ? -1 : 1) * Number(m[4]);
    } else if (m[6] === undefined) coef += sign * (m[5] ? Number(m[5]) : 1);
    else constant += sign * Number(m[6]);
  }
  return { coef, constant };
}

function solveEquation(e: Equation): Rational {
  const l = readLinear(e.left);
  const r = readLinear(e.right);
  return rational(r.constant - l.constant, l.coef - r.coef);
}

const signed = (n: number) => (n < 0 ? ` - ${-n}` : ` + ${n}`);
const times = (a: number) => (a === 1 ? '' : `${a}`);

function draw(difficulty: number, rng: Rng): Equation {
  const x = rng.int(-9, 12);
  switch (difficulty) {
    case 1: {
      const b = rng.int(1, 25);
      return { left: `x + ${b}`, right: `${x + b}` };
    }
    case 2: {
      const a = rng.int(2, 9);
      const b = rng.int(-20, 20) || 3;
      return { left: `${a}x${signed(b)}`, right: `${a * x + b}` };
    }
    case 3: {
      const a = rng.int(2, 12);
      const c = rng.int(1, 11);
      const b = rng.int(-30, 30) || 5;
      const e = (a - c) * x + b;
      return { left: `${a}x${signed(b)}`, right: `${times(c)}x${signed(e)}` };
    }
    case 4: {
      const a = rng.int(2, 9);
      const b = rng.int(-12, 12) || 4;
      const c = rng.int(1, 12);
      const e = rng.int(-40, 40);
      return { left: `${a}(x${signed(b)})`, right: `${times(c)}x${signed(e)}` };
    }
    default: {
      const a = rng.int(2, 9);
      const b = rng.int(1, 12);
      const c = rng.int(2, 9);
      const d = rng.int(1, 12);
      const f = rng.int(1, 12);
      const g = rng.int(-40, 40);
      return { left: `${a}(x + ${b}) - ${c}(x - ${d})`, right: `${times(f)}x${signed(g)}` };
    }
  }
}

/** The shape of an equation names its difficulty. */
function shapeDifficulty(e: Equation): number {
  const brackets = (e.left.match(/\(/g) ?? []).length;
  if (brackets >= 2) return 5;
  if (brackets === 1) return 4;
  if (e.right.includes('x')) return 3;
  return /^x/.test(e.left) ? 1 : 2;
}

function form(difficulty: number): Form {
  return defineForm<Equation>({
    topic: 'algebra',
    difficulty,
    draw: (rng) => draw(difficulty, rng),
    render: (e) => `Solve for x: ${e.left} = ${e.right}.`,
    pattern: /Solve for x: (?<left>[0-9x+()\- ]+?) = (?<right>-?[0-9x+()\- ]+?)\./,
    read: (g) => ({ left: g.left ?? '', right: g.right ?? '' }),
    valid: (e) => {
      const l = readLinear(e.left);
      const r = readLinear(e.right);
      return l.coef !== r.coef && shapeDifficulty(e) === difficulty;
    },
    solve: solveEquation,
    explain: (e) => {
      const l = readLinear(e.left);
      const r = readLinear(e.right);
      const a = l.coef - r.coef;
      const b = r.constant - l.constant;
      return [
        `Expanding and collecting terms: ${a}x = ${b}.`,
        `Dividing by ${a}: x = ${formatRational(rational(b, a))}.`,
      ];
    },
  });
}

// The pattern is shared: only the form whose shape matches accepts a statement.
export const algebraForms: Form[] = [1, 2, 3, 4, 5].map(form);
