import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifySync } from '../../verifier/index';
import { normalise } from '../../verifier/normalise';

const equal = (gold: string, pred: string) => {
  const v = verifySync(gold, pred);
  assert.equal(v.equal, true, `${gold} vs ${pred}: ${v.reason} (${v.gold} | ${v.pred})`);
};
const different = (gold: string, pred: string) => {
  const v = verifySync(gold, pred);
  assert.equal(v.equal, false, `${gold} vs ${pred}: ${v.reason} (${v.gold} | ${v.pred})`);
};

describe('normalise', () => {
  it('drops \\left/\\right, spacing commands and math delimiters', () => {
    assert.equal(normalise('$\\left( 3,\\, \\frac{\\pi}{2} \\right)$'), '( 3, \\frac{\\pi}{2} )');
    assert.equal(normalise('\\[ x \\quad + \\! 1 \\]'), 'x + 1');
  });
  it('unifies \\dfrac, \\tfrac and \\cfrac', () => {
    assert.equal(
      normalise('\\dfrac{1}{2}+\\tfrac{1}{3}+\\cfrac{1}{4}'),
      '\\frac{1}{2}+\\frac{1}{3}+\\frac{1}{4}',
    );
  });
  it('unwraps \\text, \\mathrm and \\mathbf', () => {
    assert.equal(normalise('\\text{Evelyn}'), 'Evelyn');
    assert.equal(normalise('\\mathbf{(B)}'), '(B)');
  });
  it('removes units, currency and trailing punctuation', () => {
    assert.equal(normalise('864 \\mbox{ inches}^2'), '864');
    assert.equal(normalise('\\$32,\\!348.'), '32348');
    assert.equal(normalise('5.4 \\text{ cents}'), '5.4');
    assert.equal(normalise('15\\mbox{ cm}^2'), '15');
    assert.equal(normalise('60 miles per hour'), '60');
    assert.equal(normalise('10\\,\\mathrm{m}'), '10');
    assert.equal(normalise('9.8 m/s^2'), '9.8');
  });
  it('marks degrees and percentages', () => {
    assert.equal(normalise('30^\\circ'), '30°');
    assert.equal(normalise('30^{\\circ}'), '30°');
    assert.equal(normalise('\\frac{270}7\\text{ degrees}'), '\\frac{270}7°');
    assert.equal(normalise('12.5\\%'), '12.5%');
  });
  it('keeps prose answers intact', () => {
    assert.equal(normalise('\\text{east}'), 'east');
  });
});

describe('normalised forms verify as equal', () => {
  it('fractions written every way', () => {
    equal('\\frac{1}{2}', '\\dfrac12');
    equal('\\frac{5}{9}', '\\frac 59');
    equal('\\frac{9}{19}', '\\tfrac9{19}');
    equal('\\frac{3}{4}', '3/4');
  });
  it('radicals without braces', () => {
    equal('\\sqrt{3}', '\\sqrt3');
    equal('11\\sqrt{2}', '11\\sqrt2');
  });
  it('wrappers, units and currency', () => {
    equal('\\text{Evelyn}', 'Evelyn');
    equal('864 \\mbox{ inches}^2', '864');
    equal('\\$18.90', '18.9');
    equal('36', '\\$36');
    equal('5', '5 \\text{ cm}');
    equal('60', '60 \\mathrm{km/h}');
  });
  it('degrees and percentages', () => {
    equal('90^\\circ', '90');
    equal('30', '30^{\\circ}');
    equal('62.5%', '62.5');
    equal('10\\%', '0.1');
  });
  it('thousands separators and decimal commas', () => {
    equal('10,\\!080', '10080');
    equal('58,500', '58500');
    equal('1000000', '1{,}000{,}000');
    equal('3.5', '3,5');
    different('58,500', '58,600');
    different('-3,0', '-3.0'); // a listed reference is never read with a decimal comma
  });
  it('x = prefixes, trailing punctuation and spacing commands', () => {
    equal('5', 'x = 5.');
    equal('-2', 'y=-2');
    equal('2\\pi', '2 \\, \\pi');
  });
});
