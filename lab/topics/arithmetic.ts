// Arithmetic: an expression with difficulty + 1 operands; × binds tighter than + and −.
import { defineForm, type Form } from '../form';
import { rational } from '../rational';

type Op = '+' | '-' | '\\times';
interface Expression {
  operands: number[];
  ops: Op[];
}

function render(e: Expression): string {
  return e.operands.map((n, i) => (i === 0 ? `${n}` : ` ${e.ops[i - 1]} ${n}`)).join('');
}

/** Products first, then sums left to right; returns the value and the products it formed. */
function evaluate(e: Expression): { value: number; products: string[] } {
  const terms: number[] = [e.operands[0]!];
  const signs: number[] = [1];
  const products: string[] = [];
  e.ops.forEach((op, i) => {
    const next = e.operands[i + 1]!;
    if (op === '\\times') {
      const last = terms.length - 1;
      products.push(`${terms[last]} \\times ${next} = ${terms[last]! * next}`);
      terms[last] = terms[last]! * next;
    } else {
      terms.push(next);
      signs.push(op === '+' ? 1 : -1);
    }
  });
  return { value: terms.reduce((sum, t, i) => sum + signs[i]! * t, 0), products };
}

function form(difficulty: number): Form {
  const maxOperand = 6 + 6 * difficulty;
  return defineForm<Expression>({
    topic: 'arithmetic',
    difficulty,
    draw: (rng) => {
      const operands = Array.from({ length: difficulty + 1 }, () => rng.int(2, maxOperand));
      const choices: Op[] = difficulty === 1 ? ['+', '-'] : ['+', '-', '\\times'];
      const ops = Array.from({ length: difficulty }, () => rng.pick(choices));
      return { operands, ops };
    },
    render: (e) => `Compute ${render(e)}.`,
    pattern: new RegExp(`Compute (?<expr>\\d+(?: (?:\\+|-|\\\\times) \\d+){${difficulty}})\\.`),
    read: (g) => {
      const tokens = (g.expr ?? '').split(' ');
      return {
        operands: tokens.filter((_, i) => i % 2 === 0).map(Number),
        ops: tokens.filter((_, i) => i % 2 === 1) as Op[],
      };
    },
    solve: (e) => rational(evaluate(e).value),
    explain: (e) => {
      const { value, products } = evaluate(e);
      return [
        products.length
          ? `Multiplications first: ${products.join(', ')}.`
          : 'Only additions and subtractions.',
        `Adding and subtracting from left to right gives ${value}.`,
      ];
    },
  });
}

export const arithmeticForms: Form[] = [1, 2, 3, 4, 5].map(form);
