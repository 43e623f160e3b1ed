import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { labServeCommand, parseServeArgs } from '../../lab/cli';
import { tempDir } from './helpers';

describe('socratic lab serve', () => {
  it('parses its options and knobs', () => {
    assert.deepEqual(
      parseServeArgs([
        '--port',
        '0',
        '--seed=3',
        '--state-dir',
        '/tmp/x',
        '--http-error-rate',
        '0.1',
      ]),
      {
        port: 0,
        seed: 3,
        stateDir: '/tmp/x',
        knobs: { httpErrorRate: 0.1 },
      },
    );
    assert.match(String(parseServeArgs(['--bogus', '1'])), /unknown option --bogus/);
    assert.match(String(parseServeArgs(['--port', 'x'])), /--port/);
  });

  it('serves until SIGTERM, with the sets written to the state directory', async () => {
    const dir = tempDir();
    const write = process.stdout.write.bind(process.stdout);
    const errWrite = process.stderr.write.bind(process.stderr);
    let printed = '';
    process.stdout.write = ((chunk: string) => {
      printed += chunk;
      return true;
    }) as typeof process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      const done = labServeCommand(['serve', '--port', '0', '--state-dir', dir]);
      for (let i = 0; i < 100 && !printed.includes('/v1'); i++)
        await new Promise((r) => setTimeout(r, 20));
      const url = printed.trim();
      assert.match(url, /\/v1$/);
      const models = await fetch(`${url}/models`);
      assert.equal(models.status, 200);
      assert.ok(existsSync(join(dir, 'seeds.jsonl')) && existsSync(join(dir, 'eval.jsonl')));
      process.emit('SIGTERM');
      assert.equal(await done, 0);
    } finally {
      process.stdout.write = write;
      process.stderr.write = errWrite;
    }
    assert.equal(await labServeCommand(['serve', '--nope']).catch(() => -1), 2);
  });
});
