import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifySync } from '../../verifier/index';

const check = (gold: string, pred: string, expected: boolean | null, options = {}) => {
  const v = verifySync(gold, pred, options);
  assert.equal(v.equal, expected, `${gold} vs ${pred}: ${v.reason} (${v.gold} | ${v.pred})`);
};
const equal = (g: string, p: string) => check(g, p, true);
const different = (g: string, p: string) => check(g, p, false);

describe('numbers', () => {
  it('integers compare exactly, even beyond floating point', () => {
    equal('204', '204');
    different('204', '205');
    different('1000000', '1000001');
    different('123456789012345678901', '123456789012345678902');
    equal('2^{100}', '1267650600228229401496703205376');
    different('2^{1009}', '3^{1009}');
  });
  it('decimals use a relative tolerance that is configurable', () => {
    equal('1.25', '\\frac{5}{4}');
    equal('.35625', '0.35625');
    different('0.15', '0.16');
    different('.0000672', '.0000673');
    check('3.14159', '3.1416', false);
    check('3.14159', '3.1416', true, { relativeTolerance: 1e-4 });
  });
  it('scientific notation', () => {
    equal('1.04e-3', '1.04 \\times 10^{-3}');
    different('2.88e-19', '3.88e-19');
  });
  it('a rounded decimal reference accepts the exact value', () => {
    equal('0.33', '\\frac{1}{3}');
    different('0.33', '\\frac{1}{4}');
  });
  it('mixed numbers', () => {
    equal('1\\frac{4}{5}', '\\frac95');
    equal('137 \\frac{1}{2}', '137.5');
  });
});

describe('symbolic expressions', () => {
  it('fractions, radicals and constants', () => {
    equal('\\frac{\\sqrt{21}}{5}', '\\sqrt{\\frac{21}{25}}');
    equal('\\frac{3\\sqrt{3}}{4}', '\\frac{3}{4}\\sqrt3');
    equal('288 \\pi', '\\pi \\cdot 288');
    equal('\\frac{20000}{\\pi}', '20000\\pi^{-1}');
    different('\\frac{\\sqrt{21}}{5}', '\\frac{\\sqrt{21}}{6}');
    different('18+2\\pi', '18+3\\pi');
  });
  it('e, i and complex numbers', () => {
    equal('6 - 5i', '-5i + 6');
    equal('1+2i', '(1+i)^2/(2i) \\cdot (1+2i)');
    different('6+9i', '6-9i');
    equal('e^2', 'e \\cdot e');
  });
  it('powers, logs and trig', () => {
    equal('\\log_2 8', '3');
    equal('\\ln(e^3)', '3');
    equal('\\sin^2 x + \\cos^2 x', '1');
    equal('\\cot x', '\\frac{\\cos x}{\\sin x}');
    equal('\\frac{\\sqrt{3}}{2}', '\\sin 60^\\circ');
    different('\\cot x', '\\tan x');
  });
  it('polynomials and factored forms', () => {
    equal('x^3+3x-6', '3x + x^3 - 6');
    equal('(a+5)(b+2)', 'ab + 2a + 5b + 10');
    equal('x^8 + x^7 + x^6 + x^5 + x^4 + x^3 + x^2 + x + 1', '\\frac{x^9-1}{x-1}');
    different('6r^2-4r-24', '6r^2-4r+24');
    different('2k+2', '2k');
    different('p - q', 'q - p');
  });
  it('binomials and factorials', () => {
    equal('\\binom{6}{2}', '15');
    equal('5!', '120');
    different('\\binom{2n}{n}', '\\binom{3n}{n}');
  });
});

describe('structures', () => {
  it('tuples and points keep their order', () => {
    equal('\\left( 3, \\frac{\\pi}{2} \\right)', '(3, \\pi/2)');
    different('(6,31,-1)', '(31,6,-1)');
    different('(8,-2)', '(8,-2,0)');
  });
  it('lists and sets ignore order', () => {
    equal('1,-2', '-2, 1');
    equal('3, 5, 7', '7,5,3');
    equal('\\{1\\pm\\sqrt{5},-2\\}', '-2, 1-\\sqrt5, 1+\\sqrt5');
    different('3, 5, 7', '3, 5');
    different('1,-2', '1,2');
  });
  it('intervals, brackets and unions', () => {
    equal('(3,4]', '\\left(3, 4\\right]');
    different('(3,4]', '(3,4)');
    different('(3,4]', '[3,4]');
    equal('(-\\infty, 0]', '(-\\infty,0]');
    equal('(0,9) \\cup (9,36)', '(9,36) \\cup (0,9)');
    different('(0,9) \\cup (9,36)', '(0,9) \\cup (9,37)');
  });
  it('inequalities against intervals', () => {
    equal('(2,\\infty)', 'x > 2');
    equal('(-\\infty, 2) \\cup (3, \\infty)', 'x<2 \\text{ or } x>3');
    equal('\\left(\\frac{3}{5},\\frac{8}{3}\\right]', '\\frac35 < x \\le \\frac83');
    different('(2,\\infty)', 'x \\ge 2');
    equal('x \\in [-2,7]', '[-2,7]');
  });
  it('equations against values and equations', () => {
    equal('x=5', '5');
    equal('5', 'x = 5');
    equal('y = 2x + 3', 'y = 3 + 2x');
    equal('y = -2x', '2x + y = 0');
    equal('5x - 7y + 11z + 4 = 0', '-10x + 14y - 22z - 8 = 0');
    different('y = 2x + 3', 'y = 2x - 3');
    different('x=5', 'x=6');
  });
  it('\\pm and several answers', () => {
    equal('1 \\pm \\sqrt{19}', '1+\\sqrt{19}, 1-\\sqrt{19}');
    equal('3 \\pm 2 \\sqrt{2}', '3 - 2\\sqrt2, 3 + 2\\sqrt 2');
    equal('x = 1, x = 2', '2, 1');
    different('1 \\pm \\sqrt{19}', '1+\\sqrt{19}');
  });
  it('matrices and vectors', () => {
    equal(
      '\\begin{pmatrix} -1/3 \\\\ 2/3 \\\\ 5/3 \\end{pmatrix}',
      '\\begin{pmatrix} -\\frac13 \\\\ \\frac23 \\\\ \\frac53 \\end{pmatrix}',
    );
    equal(
      '\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}',
      '\\begin{bmatrix} -1 & 0 \\\\ 0 & -1 \\end{bmatrix}',
    );
    different(
      '\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}',
      '\\begin{pmatrix} -1 & 0 \\\\ 0 & 1 \\end{pmatrix}',
    );
    equal('\\begin{pmatrix} -2 \\\\ -14 \\\\ -7 \\end{pmatrix}', '(-2,-14,-7)');
  });
  it('multiple-choice letters', () => {
    equal('\\text{(C)}', 'C');
    equal('(B)', '\\textbf{(B)}');
    different('\\text{(E)}', '(D)');
  });
  it('plain text answers', () => {
    equal('\\text{Evelyn}', 'evelyn');
    equal('\\text{east}', 'East.');
    different('\\text{even}', 'odd');
    different('\\text{Navin}', 'Evelyn');
  });
  it('numerals in a base', () => {
    equal('52_8', '52');
    equal('4210_{5}', '4210_5');
    equal('52_8', '101010_2');
    different('2516_8', '2517_8');
    different('52_8', '52_9');
  });
  it('repeating decimals', () => {
    equal('\\frac{1}{3}', '0.\\overline{3}');
    equal('\\frac{7}{6}', '1.1\\overline{6}');
    different('\\frac{1}{3}', '0.\\overline{6}');
  });
});

describe('three outcomes', () => {
  it('a chain of equalities in the prediction holds the answer somewhere', () => {
    equal('\\frac{1}{6}', '\\frac{1}{6} \\approx 0.1667');
    equal('5', '2 + 3 = 5');
    different('5', '2 + 3 = 6');
  });
  it('a prediction without an answer is "no answer", not a crash', () => {
    const v = verifySync('5', 'I could not solve this.');
    assert.equal(v.equal, false);
    assert.equal(v.reason, 'no answer');
  });
  it('full model outputs are reduced to their final answer', () => {
    equal('\\frac{3}{4}', 'We compute... so the probability is $\\boxed{\\dfrac{3}{4}}$.');
    different('\\frac{3}{4}', 'We compute... so the probability is $\\boxed{\\dfrac{1}{4}}$.');
    equal('18', 'She sells 9 eggs at $2 each.\nThe answer is 18.');
    equal('460', 'He pays $400 + $60 = $460 in total');
  });
  it('unknown when something cannot be decided', () => {
    check('10^{10^{10}}', '10^{10^{10}}+1', null);
    check('\\int_0^1 f', '\\int_0^1 g', null);
  });
});

describe('second pass: relations, several answers, formats, notation', () => {
  it('≠ and |x| bounds read as unions of intervals', () => {
    equal('x \\neq 2', '(-\\infty, 2) \\cup (2, \\infty)');
    equal('(-\\infty,2)\\cup(2,\\infty)', 'x != 2');
    different('x \\neq 2', 'x \\neq 3');
    equal('[-\\frac{3}{2},-1]\\cup[1,\\frac{3}{2}]', '1 \\le |x| \\le 3/2');
    different('[-\\frac{3}{2},-1]\\cup[1,\\frac{3}{2}]', '1 \\le x \\le 3/2');
    equal('(-3,3)', '|x| < 3');
    different('(-3,3)', '|x| \\le 3');
    equal('(-\\infty,-3)\\cup(3,\\infty)', '|x| > 3');
  });
  it('values of named variables, as a tuple or as equations in any order', () => {
    equal('(3,2)', '(p,q) = (3,2)');
    equal('(p,q)=(3,2)', '(3,2)');
    different('(p,q)=(3,2)', '(p,q)=(2,3)');
    equal('(a,b,c)=(1,2,3)', 'b=2, a=1, c=3');
    different('(a,b,c)=(1,2,3)', 'a=1, b=3, c=2');
    equal('k=45, n=2', 'n = 2, k = 45');
  });
  it('sums and products: evaluated over numbers, compared with the index renamed otherwise', () => {
    equal('\\sum_{k=1}^{10} k^2', '385');
    different('\\sum_{k=1}^{10} k^2', '384');
    equal('\\prod_{k=1}^{5} k', '5!');
    equal('\\sum_{k=0}^{n-1} F_k F_{n-k-1}', '\\sum_{k=0}^{n-1} F_{n-k-1} F_k');
    equal('\\sum_{k=0}^{n-1} F_k F_{n-k-1}', '\\sum_{j=0}^{n-1} F_j F_{n-j-1}');
    different('\\sum_{k=0}^{n-1} F_k F_{n-k-1}', '\\sum_{k=0}^{n} F_k F_{n-k-1}');
    different('\\sum_{k=0}^{n-1} F_k F_{n-k-1}', '\\sum_{k=0}^{n-1} F_k F_{n-k}');
  });
  it('thousands separated by spaces, decimal commas in references, units and percentages', () => {
    equal('1000', '1 000');
    equal('25000', '25\\,000');
    different('1000', '1 001');
    equal('2,74', '2.74');
    different('2,74', '2.47');
    equal('-2,1', '1, -2'); // a list, not a decimal
    different('-2,1', '-2.1');
    equal('12', '12 cm²');
    equal('12', '12 m²');
    equal('5', '5\\ \\mathrm{km}/\\mathrm{h}');
    equal('25\\%', '25 percent');
  });
  it('notation: \\mathrm{e}, \\operatorname, \\left. \\right., doubled backslashes', () => {
    equal('e^2', '\\mathrm{e}^{2}');
    equal('2e', '2\\mathrm{e}');
    different('e^2', '\\mathrm{e}^{3}');
    equal('\\arctan 2', '\\operatorname{arctan}(2)');
    equal('\\frac{\\pi}{4}', '\\left.\\frac{\\pi}{4}\\right.');
    equal('\\frac{\\sqrt{3}}{2}', 'so \\\\boxed{\\\\dfrac{\\\\sqrt{3}}{2}}');
    different('\\frac{\\sqrt{3}}{2}', 'so \\\\boxed{\\\\dfrac{\\\\sqrt{2}}{2}}');
    // A real matrix row break (\\) next to single-backslash commands is left alone.
    equal('\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}', '\\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix}');
  });
});
