import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brokenVariant, generateProblem, parseProblem, TOPICS } from '../../lab/problems';
import { sameAnswer } from '../../lab/rational';
import { Rng } from '../../lab/rng';
import { type Lab, startLab } from '../../lab/server';
import { labSeedSet } from '../../lab/sets';
import {
  generatePrompt,
  judgePrompt,
  refineHarderPrompt,
  refineTargetedPrompt,
  selfVerifyPrompt,
  solvePrompt,
} from '../../prompts/index';
import { JudgeReply, NewProblemReply, parseReply, SelfVerifyReply } from '../../prompts/replies';
import { extractAnswer } from '../../verifier/index';
import { client, tempDir } from './helpers';

describe('lab server', () => {
  let lab: Lab;
  let requestLog: string;
  before(async () => {
    requestLog = join(tempDir(), 'requests.jsonl');
    lab = await startLab({ port: 0, seed: 7, requestLog, knobs: { malformedJsonRate: 0 } });
  });
  after(() => lab.close());

  const problem = generateProblem('algebra', 3, new Rng('server-test'));

  it('serves the base models on a /v1 base URL', async () => {
    assert.match(lab.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const models = await client(lab.url).models.list();
    assert.deepEqual(models.data.map((m) => m.id).sort(), [
      'lab-generator',
      'lab-solver',
      'lab-teacher',
    ]);
  });

  it('is deterministic: the same request gives the same content', async () => {
    const openai = client(lab.url);
    const request = {
      model: 'lab-solver',
      messages: solvePrompt(problem.text),
      n: 1,
      temperature: 0.8,
      seed: 5,
    };
    const a = await openai.chat.completions.create(request);
    const b = await openai.chat.completions.create(request);
    assert.equal(a.choices[0]!.message.content, b.choices[0]!.message.content);
    assert.match(a.choices[0]!.message.content!, /\\boxed\{|answer/);
    assert.equal(a.choices[0]!.finish_reason, 'stop');
    assert.ok(a.usage!.prompt_tokens > 0 && a.usage!.completion_tokens > 0);
    assert.equal(a.usage!.total_tokens, a.usage!.prompt_tokens + a.usage!.completion_tokens);
  });

  it('honours n: sample i of seed s is the same draw whatever n is', async () => {
    const openai = client(lab.url);
    const messages = solvePrompt(problem.text);
    const eight = await openai.chat.completions.create({
      model: 'lab-solver',
      messages,
      n: 8,
      temperature: 0.8,
      seed: 9,
    });
    assert.equal(eight.choices.length, 8);
    assert.deepEqual(
      eight.choices.map((c) => c.index),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
    const two = await openai.chat.completions.create({
      model: 'lab-solver',
      messages,
      n: 2,
      temperature: 0.8,
      seed: 9,
    });
    assert.deepEqual(
      two.choices.map((c) => c.message.content),
      eight.choices.slice(0, 2).map((c) => c.message.content),
    );
    // Across many problems, samples differ (some right, some wrong).
    const contents = new Set<string>();
    for (const seed of labSeedSet(7, 20)) {
      const reply = await openai.chat.completions.create({
        model: 'lab-solver',
        messages: solvePrompt(seed.text),
        n: 8,
        temperature: 0.8,
      });
      const answers = new Set(reply.choices.map((c) => extractAnswer(c.message.content!)));
      if (answers.size > 1) contents.add(seed.text);
    }
    assert.ok(contents.size >= 5, 'different sample indices can differ');
  });

  it('honours max_tokens with finish_reason length', async () => {
    const reply = await client(lab.url).chat.completions.create({
      model: 'lab-solver',
      messages: solvePrompt(problem.text),
      max_tokens: 5,
    });
    assert.equal(reply.choices[0]!.finish_reason, 'length');
    assert.ok(reply.choices[0]!.message.content!.length <= 20);
  });

  it('answers an unknown model with 404 in OpenAI error shape', async () => {
    await assert.rejects(
      client(lab.url).chat.completions.create({ model: 'gpt-nope', messages: solvePrompt('1+1') }),
      (error: { status?: number; error?: { code?: string } }) =>
        error.status === 404 && error.error?.code === 'model_not_found',
    );
  });

  it('the Teacher judges mostly right, with a valid JudgeReply and an error analysis', async () => {
    const openai = client(lab.url);
    let right = 0;
    let total = 0;
    for (const seed of labSeedSet(7, 40)) {
      const attempts = await openai.chat.completions.create({
        model: 'lab-solver',
        messages: solvePrompt(seed.text),
        n: 4,
        temperature: 0.8,
      });
      const texts = attempts.choices.map((c) => c.message.content!);
      const reply = await openai.chat.completions.create({
        model: 'lab-teacher',
        messages: judgePrompt(seed.text, seed.answer, texts),
        temperature: 0.1,
      });
      const parsed = parseReply(JudgeReply, reply.choices[0]!.message.content!);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
      assert.equal(parsed.value.verdicts.length, 4);
      parsed.value.verdicts.forEach((verdict, i) => {
        const predicted = extractAnswer(texts[i]!);
        const truth = predicted !== null && sameAnswer(predicted, seed.answer);
        total++;
        if (verdict.correct === truth) right++;
        if (!verdict.correct) assert.ok(verdict.errorAnalysis.length > 0);
      });
    }
    assert.ok(right / total >= 0.9, `judge accuracy ${right}/${total}`);
  });

  it('the Teacher writes targeted and harder variants with correct answers', async () => {
    const openai = client(lab.url);
    for (const topic of TOPICS) {
      const source = generateProblem(topic, 2, new Rng('refine', topic));
      const targeted = await openai.chat.completions.create({
        model: 'lab-teacher',
        messages: refineTargetedPrompt({
          problem: source.text,
          reference: source.answer,
          failedAttempt: '\\boxed{0}',
          errorAnalysis: 'sign error',
        }),
      });
      const harder = await openai.chat.completions.create({
        model: 'lab-teacher',
        messages: refineHarderPrompt({
          problem: source.text,
          reference: source.answer,
          successfulAttempt: 'ok',
        }),
      });
      for (const [reply, level] of [
        [targeted, [1, 2, 3]],
        [harder, [3]],
      ] as const) {
        const parsed = parseReply(NewProblemReply, reply.choices[0]!.message.content!);
        assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
        const written = parseProblem(parsed.value.problem);
        assert.ok(written, parsed.value.problem);
        assert.equal(written.topic, topic);
        assert.ok((level as readonly number[]).includes(written.difficulty));
      }
    }
  });

  it('some refinements are broken, and self-verification catches them', async () => {
    const openai = client(lab.url);
    let broken = 0;
    for (const seed of labSeedSet(7, 60)) {
      const reply = await openai.chat.completions.create({
        model: 'lab-teacher',
        messages: refineHarderPrompt({
          problem: seed.text,
          reference: seed.answer,
          successfulAttempt: 'ok',
        }),
      });
      const parsed = parseReply(NewProblemReply, reply.choices[0]!.message.content!);
      assert.ok(parsed.ok);
      const truth = parseProblem(parsed.value.problem)!;
      const check = await openai.chat.completions.create({
        model: 'lab-teacher',
        messages: selfVerifyPrompt(parsed.value.problem, parsed.value.answer),
        temperature: 0.1,
      });
      const verdict = parseReply(SelfVerifyReply, check.choices[0]!.message.content!);
      assert.ok(verdict.ok);
      if (sameAnswer(truth.answer, parsed.value.answer)) {
        assert.equal(verdict.value.statementIssue, null);
        assert.ok(sameAnswer(verdict.value.answer, parsed.value.answer));
      } else {
        broken++;
        assert.equal(verdict.value.statementIssue, 'wrong');
        assert.ok(!sameAnswer(verdict.value.answer, parsed.value.answer));
      }
    }
    assert.ok(broken >= 1, 'brokenProblemRate 0.08 over 60 refinements gives some broken ones');
    // A hand-made broken problem too.
    const sound = generateProblem('geometry', 4, new Rng('broken-by-hand'));
    const wrong = brokenVariant(sound, new Rng('broken-by-hand', 2));
    const check = await openai.chat.completions.create({
      model: 'lab-teacher',
      messages: selfVerifyPrompt(wrong.text, wrong.statedAnswer),
    });
    const verdict = parseReply(SelfVerifyReply, check.choices[0]!.message.content!);
    assert.ok(
      verdict.ok &&
        verdict.value.statementIssue === 'wrong' &&
        sameAnswer(verdict.value.answer, sound.answer),
    );
  });

  it('the Generator writes problems on the failed topic', async () => {
    const source = generateProblem('probability', 3, new Rng('gen'));
    const reply = await client(lab.url).chat.completions.create({
      model: 'lab-generator',
      messages: generatePrompt({ problem: source.text, failedAttempt: '\\boxed{1}' }),
      temperature: 0.8,
    });
    const parsed = parseReply(NewProblemReply, reply.choices[0]!.message.content!);
    assert.ok(parsed.ok);
    assert.equal(parseProblem(parsed.value.problem)?.topic, 'probability');
  });

  it('logs one line per chat request, with key, role, model and status', async () => {
    const path = join(tempDir(), 'nested', 'requests.jsonl');
    const logged = await startLab({ port: 0, seed: 7, requestLog: path });
    try {
      const openai = client(logged.url);
      const request = { model: 'lab-solver', messages: solvePrompt(problem.text), seed: 1 };
      await openai.chat.completions.create(request);
      await openai.chat.completions.create(request);
      await openai.chat.completions.create({
        model: 'lab-teacher',
        messages: selfVerifyPrompt(problem.text, '1'),
      });
      await openai.models.list();
      const lines = readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.equal(lines.length, 3);
      assert.deepEqual(
        lines.map((l) => [l.role, l.model, l.status]),
        [
          ['solver', 'lab-solver', 200],
          ['solver', 'lab-solver', 200],
          ['teacher', 'lab-teacher', 200],
        ],
      );
      assert.match(lines[0].key, /^[0-9a-f]{64}$/);
      assert.equal(lines[0].key, lines[1].key, 'the key is a function of the request body');
      assert.notEqual(lines[0].key, lines[2].key);
    } finally {
      await logged.close();
    }
    assert.ok(readFileSync(requestLog, 'utf8').length > 0, 'the shared lab logged too');
  });
});

describe('lab faults', () => {
  it('malformed JSON is deterministic per request, and a retry with another seed can succeed', async () => {
    const lab = await startLab({ port: 0, seed: 7, knobs: { malformedJsonRate: 0.5 } });
    try {
      const openai = client(lab.url);
      const source = generateProblem('counting', 2, new Rng('malformed'));
      const messages = refineTargetedPrompt({
        problem: source.text,
        reference: source.answer,
        failedAttempt: 'x',
        errorAnalysis: 'y',
      });
      const outcomes: boolean[] = [];
      for (let seed = 0; seed < 12; seed++) {
        const reply = await openai.chat.completions.create({
          model: 'lab-teacher',
          messages,
          seed,
        });
        const again = await openai.chat.completions.create({
          model: 'lab-teacher',
          messages,
          seed,
        });
        assert.equal(reply.choices[0]!.message.content, again.choices[0]!.message.content);
        outcomes.push(parseReply(NewProblemReply, reply.choices[0]!.message.content!).ok);
      }
      assert.ok(outcomes.includes(true) && outcomes.includes(false), `outcomes ${outcomes}`);
    } finally {
      await lab.close();
    }
  });

  it('injected 429/500 responses are retried to success by the OpenAI client', async () => {
    const path = join(tempDir(), 'requests.jsonl');
    const lab = await startLab({
      port: 0,
      seed: 7,
      requestLog: path,
      knobs: { httpErrorRate: 0.5 },
    });
    try {
      const openai = client(lab.url, { maxRetries: 10 });
      for (const seed of labSeedSet(7, 10)) {
        const reply = await openai.chat.completions.create({
          model: 'lab-solver',
          messages: solvePrompt(seed.text),
        });
        assert.ok(reply.choices[0]!.message.content);
      }
      const statuses = readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).status);
      assert.ok(
        statuses.some((s) => s === 429 || s === 500),
        'faults were injected',
      );
      assert.equal(statuses.filter((s) => s === 200).length, 10);
    } finally {
      await lab.close();
    }
  });

  it('timeouts hang until the client gives up, and close() still returns', async () => {
    const lab = await startLab({ port: 0, seed: 7, knobs: { timeoutRate: 1 } });
    const openai = client(lab.url, { timeout: 200 });
    await assert.rejects(
      openai.chat.completions.create({
        model: 'lab-solver',
        messages: solvePrompt('Compute 1 + 2.'),
      }),
    );
    await lab.close();
  });

  it('latency knob delays answers', async () => {
    const lab = await startLab({ port: 0, seed: 7, knobs: { latencyMs: 120 } });
    try {
      const started = Date.now();
      await client(lab.url).chat.completions.create({
        model: 'lab-solver',
        messages: solvePrompt('Compute 1 + 2.'),
      });
      assert.ok(Date.now() - started >= 100);
    } finally {
      await lab.close();
    }
  });
});
