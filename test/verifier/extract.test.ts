import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractAnswer, extractBoxed } from '../../verifier/index';

describe('extractBoxed', () => {
  it('takes the last \\boxed{} with nested braces', () => {
    assert.equal(
      extractBoxed('first \\boxed{1}, then \\boxed{\\frac{a}{b^{2}}} done'),
      '\\frac{a}{b^{2}}',
    );
  });
  it('reads \\fbox{} and \\boxed without braces', () => {
    assert.equal(extractBoxed('so \\fbox{42}.'), '42');
    assert.equal(extractBoxed('so $\\boxed 7$.'), '7');
  });
  it('returns null without a box or with an unbalanced one', () => {
    assert.equal(extractBoxed('no box here'), null);
    assert.equal(extractBoxed('\\boxed{\\frac{1}{2}'), null);
  });
});

describe('extractAnswer', () => {
  it('prefers the last boxed answer over earlier text', () => {
    assert.equal(extractAnswer('The answer is 3. Wait, no: $\\boxed{4}$'), '4');
  });
  it('joins boxed answers written side by side', () => {
    assert.equal(extractAnswer('so $x = \\boxed{2}$ and $\\boxed{3}$'), '2, 3');
  });
  it('keeps only the last boxed answer when earlier ones are separated by prose', () => {
    assert.equal(extractAnswer('we guess \\boxed{2}. Checking again gives \\boxed{3}'), '3');
  });
  it('reads "The answer is" and "Final Answer:" markers', () => {
    assert.equal(extractAnswer('Adding up, the answer is 18.'), '18');
    assert.equal(extractAnswer('Work...\nFinal Answer: $\\frac{3}{4}$'), '\\frac{3}{4}');
    assert.equal(extractAnswer('**Final Answer:** **12.5**'), '12.5');
    assert.equal(extractAnswer('Janet makes 9 * 2 = 18.\n#### 18'), '18');
    assert.equal(extractAnswer('Final Answer: The final answer is 5. I hope it is correct.'), '5');
    assert.equal(extractAnswer('**Final Answer**\n\n$$\\frac{1}{2}$$'), '\\frac{1}{2}');
    assert.equal(extractAnswer('The answer is $7$ since $x>0$.'), '7');
  });
  it('falls back to the last math span in any delimiter', () => {
    assert.equal(extractAnswer('So we get $$x^2+1$$'), 'x^2+1');
    assert.equal(extractAnswer('Hence \\(\\sqrt{3}\\) is the length'), '\\sqrt{3}');
    assert.equal(extractAnswer('Hence \\[ 2\\pi \\] is the area'), '2\\pi');
    assert.equal(extractAnswer('It is $a$ or rather $b+1$'), 'b+1');
  });
  it('does not take dollar amounts for math delimiters', () => {
    assert.equal(extractAnswer('She pays $2 per egg and makes $18 a day.'), '18');
    assert.equal(extractAnswer('It costs $5 and so we need $x+1$ here'), 'x+1');
  });
  it('falls back to the last number', () => {
    assert.equal(extractAnswer('She has 3 apples and buys 1,250 more'), '1,250');
  });
  it('gives null (no answer) instead of throwing when there is none', () => {
    assert.equal(extractAnswer('I do not know.'), null);
    assert.equal(extractAnswer(''), null);
    assert.equal(extractAnswer('\\boxed{}'), null);
  });
});

describe('answers in prose (second pass)', () => {
  const solution = 'Janet sells 16 - 3 - 4 = 9 eggs.\nShe makes 9 * 2 = 18 dollars.\n';
  it('takes the stated final answer of a worked solution, not its first number', () => {
    assert.equal(extractAnswer(`${solution}The answer is 18.`), '18');
    assert.equal(extractAnswer('We check n = 35.\n\nFinal Answer: The largest $n$ is 34.'), '34');
    assert.equal(extractAnswer(`${solution}So the result is:\n\n18`), '18');
    assert.equal(extractAnswer(`${solution}### Final Answer\n\n\\[\n18\n\\]`), '18');
    assert.equal(
      extractAnswer('Since $2^{10} = 1024 = 7 \\cdot 146 + 2$, the remainder is **2**.'),
      '2',
    );
    assert.equal(
      extractAnswer(
        'Each shakes $6 \\cdot 5 = 30$ hands, counted twice.\n\nSo there are 15 handshakes.',
      ),
      '15',
    );
  });
  it('takes the result of the last computation of plain worked arithmetic', () => {
    assert.equal(
      extractAnswer(
        'In the first 20 minutes he scored 4.\nSo in total, he scored 4+5=9 points in the 40 minutes',
      ),
      '9',
    );
    assert.equal(
      extractAnswer('Costs add up.\nHence, the net is $400 000 - $282 000 = $118 000.'),
      '118 000',
    );
    // A formula on the last line decides instead: here the stated value after the computation.
    assert.equal(
      extractAnswer('Try it.\nChecking $x=2$: $4 - 6 = -2$... the minimum value is $-3$.'),
      '-3',
    );
  });
  it('joins answers separated by "or" and boxes for the parts of a question', () => {
    assert.equal(extractAnswer('so $x = -1$ or $x = 2$.'), 'x = -1, x = 2');
    assert.equal(
      extractAnswer('(a) The least is $\\boxed{3}$.\n\n(b) The most is $\\boxed{5}$.'),
      '3, 5',
    );
    assert.equal(
      extractAnswer('**Part (a).** $\\boxed{1}$.\n\n**Part (b).** Then $\\boxed{2}$.'),
      '1, 2',
    );
    // A box in the last part only joins others that sit under their own labels.
    assert.equal(
      extractAnswer('First $x = \\boxed{3}$ is a guess.\n\n(b) The answer is $\\boxed{5}$.'),
      '5',
    );
    // Boxes far apart without part labels: the last one is the answer.
    assert.equal(
      extractAnswer(
        `First $\\boxed{3}$ was wrong.\n${'Checking again. '.repeat(5)}\nSo $\\boxed{5}$.`,
      ),
      '5',
    );
  });
  it('takes the conclusion of a display formula written as steps', () => {
    assert.equal(
      extractAnswer('The magnitude is:\n\\[\nm=M+\\text{ modulus } \\Rightarrow m=-15+25=10\n\\]'),
      'm=-15+25=10',
    );
  });
  it('does not take a list item or a signature on the last line for the answer', () => {
    assert.equal(extractAnswer('We get $x = 5$.\n~MC413551'), 'x = 5');
  });
});
