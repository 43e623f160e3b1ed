import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseServeArgs } from '../../lab/cli';
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
    const script = `require(${JSON.stringify(join(__dirname, '../../lab/cli.ts'))}).labServeCommand(process.argv.slice(1)).then((code) => { process.exitCode = code; })`;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '-e', script, 'serve', '--port', '0', '--state-dir', dir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let printed = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      printed += chunk;
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on('close', (code) => resolve(code)),
    );
    for (let i = 0; i < 250 && !printed.includes('/v1'); i++)
      await new Promise((r) => setTimeout(r, 20));
    const url = printed.trim();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const models = await fetch(`${url}/models`);
    assert.equal(models.status, 200);
    await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'lab-solver',
        messages: [{ role: 'user', content: 'Compute 1 + 2.' }],
      }),
    });
    assert.ok(existsSync(join(dir, 'seeds.jsonl')) && existsSync(join(dir, 'eval.jsonl')));
    assert.equal(readFileSync(join(dir, 'requests.jsonl'), 'utf8').trim().split('\n').length, 1);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
