import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { verifyCommand } from '../../verifier/cli';

async function run(
  argv: string[],
  input = '',
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => {
    out += d;
  });
  stderr.on('data', (d) => {
    err += d;
  });
  const code = await verifyCommand(argv, { stdin: Readable.from([input]), stdout, stderr });
  return { code, out, err };
}

describe('socratic verify', () => {
  it('--gold/--pred prints one JSON verdict', async () => {
    const { code, out } = await run(['--gold', 'x = 3', '--pred', 'The answer is $\\boxed{3}$.']);
    assert.equal(code, 0);
    const v = JSON.parse(out);
    assert.equal(v.equal, true);
    assert.equal(v.gold, 'x=3');
    assert.equal(v.pred, '3');
    assert.equal(typeof v.reason, 'string');
  });
  it('--jsonl answers every line in order, malformed lines included', async () => {
    const input = [
      JSON.stringify({ gold: '\\frac12', pred: '0.5' }),
      'not json',
      JSON.stringify({ gold: 27 }),
      '',
      JSON.stringify({ gold: 27, pred: 'so $\\boxed{28}$' }),
      JSON.stringify({ gold: '10^{10^{10}}', pred: '10^{10^{10}}+1' }),
    ].join('\n');
    const { code, out } = await run(['--jsonl'], input);
    assert.equal(code, 0);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => l.equal),
      [true, null, null, false, null],
    );
    assert.match(lines[1].reason, /line 2/);
    assert.match(lines[2].reason, /line 3/);
    assert.deepEqual(Object.keys(lines[0]), ['equal', 'gold', 'pred', 'reason']);
  });
  it('keeps order over many lines', async () => {
    const input = Array.from({ length: 500 }, (_, i) =>
      JSON.stringify({ gold: `${i}`, pred: `${i % 2 ? i : i + 1}` }),
    ).join('\n');
    const { out } = await run(['--jsonl'], input);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 500);
    lines.forEach((l, i) => {
      assert.equal(l.equal, i % 2 === 1, `line ${i + 1}`);
    });
  });
  it('--explain shows the answers found, what was read and the rules that decided', async () => {
    const { code, out } = await run([
      '--explain',
      '--gold',
      '[-2,7]',
      '--pred',
      'Expanding, $x^2 - 5x - 14 \\le 0$.\n\nHence $\\boxed{-2 \\le x \\le 7}$.',
    ]);
    assert.equal(code, 0);
    assert.match(out, /gold answer: +"\[-2,7\]"/);
    assert.match(out, /predicted answer: +"-2 \\\\le x \\\\le 7"/);
    assert.match(out, /read as: +"-2<=x<=7"/);
    assert.match(out, /rules: +relation read as its value or set/);
    assert.match(out, /verdict: +equal/);
    const different = await run([
      '--explain',
      '--gold',
      '(3,2)',
      '--pred',
      'So $(p, q) = (2, 3)$.',
    ]);
    assert.match(different.out, /predicted answer: +"\(p, q\) = \(2, 3\)"/);
    assert.match(different.out, /rules: .*tuples and intervals: in order/);
    assert.match(different.out, /verdict: +different/);
  });
  it('--explain takes exactly one pair', async () => {
    const { code, err } = await run(['--explain', '--jsonl']);
    assert.equal(code, 2);
    assert.match(err, /--explain takes one pair/);
  });
  it('exits 2 with usage on bad arguments', async () => {
    assert.equal((await run(['--gold', '1'])).code, 2);
    assert.equal((await run(['--bogus'])).code, 2);
    assert.equal((await run(['--jsonl', '--timeout-ms', 'soon'])).code, 2);
  });
});
