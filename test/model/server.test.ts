import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { z } from 'zod';
import { type ModelServer, startModelServer } from '../../model/server';
import { runCli, spawnCli } from '../support/cli';
import { smollm2Path } from './smollm2';

describe('socratic model serve (SmolLM2-135M on CPU)', () => {
  let server: ModelServer;
  let client: OpenAI;
  before(async () => {
    const started = Date.now();
    server = await startModelServer({ gguf: smollm2Path(), name: 'smollm2' });
    console.log(`model loaded in ${Date.now() - started} ms`);
    client = new OpenAI({ baseURL: server.url, apiKey: 'none', maxRetries: 0 });
  });
  after(() => server?.close());

  const messages = [
    { role: 'system' as const, content: 'You are a careful math tutor.' },
    { role: 'user' as const, content: 'What is 7 + 5? Put the final answer in \\boxed{}.' },
  ];

  it('lists its model', async () => {
    const list = await client.models.list();
    assert.deepEqual(
      list.data.map((m) => m.id),
      ['smollm2'],
    );
  });

  it('answers n choices, cut at max_tokens, reproducible by seed', async () => {
    const started = Date.now();
    const ask = () =>
      client.chat.completions.create({
        model: 'smollm2',
        messages,
        n: 2,
        max_tokens: 12,
        temperature: 0.9,
        seed: 11,
      });
    const first = await ask();
    const seconds = (Date.now() - started) / 1000;
    const tokens = first.usage?.completion_tokens ?? 0;
    console.log(`${tokens} completion tokens in ${seconds.toFixed(1)} s`);
    assert.equal(first.choices.length, 2);
    assert.deepEqual(
      first.choices.map((c) => c.index),
      [0, 1],
    );
    for (const choice of first.choices) {
      assert.ok((choice.message.content ?? '').length > 0);
      assert.ok(['stop', 'length'].includes(choice.finish_reason));
    }
    assert.ok(first.usage!.prompt_tokens > 0 && tokens > 0 && tokens <= 24);
    const again = await ask();
    assert.deepEqual(
      again.choices.map((c) => c.message.content),
      first.choices.map((c) => c.message.content),
    );
  });

  it('decodes to a json_schema response_format', async () => {
    const Verdict = z.object({ verdict: z.enum(['correct', 'incorrect']), reason: z.string() });
    const reply = await client.chat.completions.create({
      model: 'smollm2',
      messages: [{ role: 'user', content: 'Is 7 + 5 = 12? Judge it.' }],
      max_tokens: 48,
      temperature: 0.1,
      seed: 1,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'verdict', schema: z.toJSONSchema(Verdict), strict: true },
      },
    });
    const content = reply.choices[0]!.message.content ?? '';
    if (reply.choices[0]!.finish_reason === 'stop')
      assert.ok(Verdict.safeParse(JSON.parse(content)).success, content);
    else assert.match(content, /^\s*\{\s*"verdict"\s*:\s*"(correct|incorrect)"/);
  });

  it('refuses bad requests with a 400', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'smollm2', messages: [] }),
      (err: { status?: number }) => err.status === 400,
    );
  });
});

describe('the socratic model serve command', () => {
  it('needs an existing --gguf file', async () => {
    const missing = await runCli(['model', 'serve']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /--gguf FILE is required/);
    const absent = await runCli(['model', 'serve', '--gguf', '/nonexistent.gguf']);
    assert.match(absent.stderr, /no such file: \/nonexistent\.gguf/);
  });

  it('prints its URL, serves, and stops on SIGTERM', async () => {
    const child = spawnCli(['model', 'serve', '--gguf', smollm2Path(), '--port', '0']);
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out.trim());
      });
      child.once('exit', () => reject(new Error(`exited before serving: ${out}`)));
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const models = (await (await fetch(`${url}/models`)).json()) as { data: { id: string }[] };
    assert.deepEqual(
      models.data.map((m) => m.id),
      ['SmolLM2-135M-Instruct.Q4_1'],
    );
    child.kill('SIGTERM');
    assert.equal((await child.output).code, 0);
  });
});
