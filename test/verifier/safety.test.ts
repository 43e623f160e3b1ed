import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { closeVerifier, VerifierPool, verify, verifyMany, verifySync } from '../../verifier/index';

after(() => closeVerifier());

/** Generous bound: the budget is 1 s, the machine may be slow and a worker has to start. */
const WITHIN_MS = 5000;

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await f();
  return [r, performance.now() - t];
}

const PATHOLOGICAL: [string, string][] = [
  ['10^{10^{10}}', '10^{10^{10}}+1'],
  ['1', '1+'.repeat(50_000)], // a 100 kB expression
  ['1', `${'{'.repeat(5000)}1${'}'.repeat(5000)}`], // thousands of nested braces
  ['1', `${'\\sqrt{'.repeat(300)}1${'}'.repeat(300)}`],
  ['1', `\\boxed{${'('.repeat(20_000)}}`],
  ['x'.repeat(200_000), 'x'],
];

describe('pathological inputs', () => {
  for (const [gold, pred] of PATHOLOGICAL) {
    it(`returns unknown quickly for ${JSON.stringify(`${gold.slice(0, 12)} vs ${pred.slice(0, 24)}`)}`, async () => {
      const [v, ms] = await timed(() => verify(gold, pred));
      assert.equal(v.equal, null, v.reason);
      assert.ok(ms < WITHIN_MS, `took ${ms} ms`);
    });
  }
  it('decides huge but exact integers instead of giving up', () => {
    assert.equal(verifySync('1', '10^{10^{10}}').equal, false);
    assert.equal(verifySync('2^{1009}', '2^{1009}').equal, true);
  });
  // A safety bound (a super-linear scan of a long output hangs the worker), not a speed
  // figure: the bench measures speed.
  it('scans long model outputs for prose answers without hanging', () => {
    const prose = 'We work it out step by step.\n';
    const outputs = [
      `${prose}=${' '.repeat(19_000)}x`, // spaces after "=" where a stated number may follow
      `${prose}${'$a$ or '.repeat(3000)}x`, // formulas joined by "or"
      `${prose}${'\\boxed{1}\n(b) '.repeat(3000)}`, // boxes for many parts
      `${prose}So ${'1 '.repeat(9000)}x`, // a closing sentence with many numbers
      `${prose}${'1 000 '.repeat(300)}0000`, // thousands groups
    ];
    for (const pred of outputs) {
      const t = performance.now();
      verifySync('1', pred);
      const ms = performance.now() - t;
      assert.ok(ms < WITHIN_MS, `${JSON.stringify(pred.slice(0, 60))}: ${ms} ms`);
    }
  });
  it('rejects non-string input with unknown instead of throwing', () => {
    assert.equal(verifySync(5 as unknown as string, '5').equal, null);
  });
});

describe('the worker pool', () => {
  it('abandons a worker that never answers and resolves unknown within the budget', async () => {
    // A worker that says it is ready, then spins forever on the first request.
    const hang = `const { parentPort } = require('node:worker_threads');
      parentPort.on('message', () => { for (;;) {} });
      parentPort.postMessage({ ready: true });`;
    const pool = new VerifierPool(1, hang);
    try {
      const [v, ms] = await timed(() => pool.verify('1', '1', { timeoutMs: 200 }));
      assert.equal(v.equal, null);
      assert.match(v.reason, /timed out after 200 ms/);
      assert.ok(ms < WITHIN_MS, `took ${ms} ms`);
    } finally {
      await pool.close();
    }
  });
  it('falls back to in-thread verification when workers cannot start', async () => {
    const pool = new VerifierPool(1, "throw new Error('no worker here')");
    try {
      const verdicts = await Promise.all([pool.verify('2', '4/2'), pool.verify('2', '3')]);
      assert.deepEqual(
        verdicts.map((v) => v.equal),
        [true, false],
      );
      assert.equal((await pool.verify('x+1', '1+x')).equal, true);
    } finally {
      await pool.close();
    }
  });
  it('keeps the event loop responsive while workers run', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const pairs = Array.from({ length: 3000 }, (_, i) => ({
      gold: `${i}`,
      pred: `\\frac{${2 * i}}{2}`,
    }));
    const verdicts = await verifyMany(pairs);
    clearInterval(timer);
    assert.equal(verdicts.length, 3000);
    assert.ok(verdicts.every((v) => v.equal === true));
    assert.ok(ticks > 0, 'the interval never ran while verifying');
  });
  it('returns verdicts in input order', async () => {
    const verdicts = await verifyMany([
      { gold: '1', pred: '1' },
      { gold: '1', pred: '2' },
      { gold: '\\frac12', pred: '0.5' },
      { gold: '3', pred: 'no answer here' },
    ]);
    assert.deepEqual(
      verdicts.map((v) => v.equal),
      [true, false, true, false],
    );
  });
  it('rejects work after close and starts afresh through the shared API', async () => {
    const pool = new VerifierPool(1);
    assert.equal((await pool.verify('2', '2')).equal, true);
    await pool.close();
    await assert.rejects(pool.verify('2', '2'), /closed/);
    await closeVerifier();
    assert.equal((await verify('2', '4/2')).equal, true);
  });
});
