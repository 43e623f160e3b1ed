// What the Solver and the Generator learn from must be what the paper trains on (issue 7):
// each stage run alone against PGlite, the real LLM gateway and the simulated lab.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { evaluateBatch, evaluationPlan, recordEvaluation } from '../../activities/evaluate';
import { judgeBatch } from '../../activities/judge';
import { buildPairs, exportPairs } from '../../activities/pairs';
import { referenceSolutionsBatch } from '../../activities/reference-solutions';
import { refineBatch } from '../../activities/refine';
import { sampleBatch } from '../../activities/sample';
import { selfVerifyBatch } from '../../activities/self-verify';
import { servedNameFor, solverFor, trainSolver } from '../../activities/train';
import { exportRows } from '../../cli/export';
import { exampleConfigYaml } from '../../config/example';
import { Config } from '../../config/schema';
import { taskSampling } from '../../config/tasks';
import { llmCalls, models, problems, refinements } from '../../db/schema';
import { labSeedSet, toRecord } from '../../lab/sets';
import { generatePrompt, PROMPT_VERSIONS, SYSTEM } from '../../prompts';
import { JudgeReply, REPLY_FORMATS } from '../../prompts/replies';
import {
  addProblem,
  inActivity,
  newRun,
  requestsOf,
  type StageEnv,
  stageEnv,
} from '../support/stage-env';

type Messages = { role: string; content: string }[];
type Request = {
  messages: Messages;
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  n?: number;
  response_format?: { type: string; json_schema: { name: string; schema: unknown } };
};
const request = (row: { request: unknown }) => row.request as Request;

const lab = labSeedSet(7, 40);
/** A lab problem's boxed right answer, or a wrong one. */
const right = (i: number) => `Working.\n\n\\boxed{${lab[i]!.answer}}`;
const wrong = (i: number, n = 1) => `Guessing.\n\n\\boxed{${lab[i]!.answer}${'9'.repeat(n)}}`;

describe('training data as the paper defines it', () => {
  let env: StageEnv;
  before(async () => {
    env = await stageEnv();
  });
  after(() => env.close());

  it('a pair prompt is exactly the messages the Solver was sampled with (TRL conversational)', async () => {
    const runId = await newRun(env, { loop: { k: 4, batchSize: 16 } });
    for (const [i, p] of lab.slice(0, 12).entries())
      await addProblem(env, runId, {
        id: `p${i}`,
        text: p.text,
        answer: p.answer,
        solution: toRecord(p).solution,
      });
    const ref = { runId, round: 1 };
    await sampleBatch(env.deps, { ...ref, batch: 0, solverModel: 'lab-solver' });
    await judgeBatch(env.deps, { ...ref, batch: 0 });
    assert.ok((await buildPairs(env.deps, ref)).pairs > 0);

    const sampled = (await requestsOf(env, runId, PROMPT_VERSIONS.solve)).map(
      (r) => request(r).messages,
    );
    const files = await exportPairs(env.deps.db, runId, { after: 0, upTo: 1 }, env.dir);
    const lines = [files.train, files.validation].flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    );
    assert.ok(lines.length > 0);
    for (const line of lines) {
      assert.ok(
        sampled.some((messages) => JSON.stringify(messages) === JSON.stringify(line.prompt)),
        `pair prompt ${JSON.stringify(line.prompt).slice(0, 200)} was never sent to the Solver`,
      );
      assert.equal(line.chosen.length, 1);
      assert.equal(line.rejected.length, 1);
      assert.equal(line.chosen[0].role, 'assistant');
      assert.equal(line.rejected[0].role, 'assistant');
    }
    // The export a user reads has the same format, and its ids name the attempts.
    const exported = (await exportRows(env.deps.db, runId, 'pairs')) as {
      prompt: Messages;
      rejectedAttemptId: string;
    }[];
    assert.equal(exported.length, lines.length);
    const [first] = exported;
    assert.deepEqual(
      first!.prompt,
      sampled.find((m) => m[1]!.content === first!.prompt[1]!.content),
    );
    const attempts = (await exportRows(env.deps.db, runId, 'attempts')) as { id: string }[];
    assert.ok(attempts.some((a) => a.id === first!.rejectedAttemptId));

    // Sampled under an older prompt version: the pairs keep the prompt actually sent.
    const call = (await requestsOf(env, runId, PROMPT_VERSIONS.solve)).find(
      (c) => request(c).messages[1]!.content === first!.prompt[1]!.content,
    );
    const old = request(call!);
    const older = [{ role: 'system', content: 'an older Solver prompt' }, old.messages[1]!];
    await env.deps.db
      .update(llmCalls)
      .set({ request: { ...old, messages: older } })
      .where(eq(llmCalls.key, call!.key));
    const again = (await exportRows(env.deps.db, runId, 'pairs')) as { prompt: Messages }[];
    const ofProblem = again.filter((p) => p.prompt[1]!.content === old.messages[1]!.content);
    assert.ok(ofProblem.length > 0);
    assert.ok(ofProblem.every((p) => JSON.stringify(p.prompt) === JSON.stringify(older)));
  });

  it('a problem nobody solved wins with a verified worked solution, or gives no reference pairs', async () => {
    const runId = await newRun(env);
    const tooHard = (i: number) => [
      { text: wrong(i), correct: false },
      { text: wrong(i, 2), correct: false },
    ];
    // Seeds with only an answer: the Teacher writes the solution (the lab solves exactly).
    await addProblem(env, runId, {
      id: 'answer-only',
      text: lab[0]!.text,
      answer: lab[0]!.answer,
      zone: 'too_difficult',
      attempts: tooHard(0),
    });
    // Its reference is not what the statement gives: no solution can be verified.
    await addProblem(env, runId, {
      id: 'wrong-reference',
      text: lab[1]!.text,
      answer: '987654321',
      zone: 'too_difficult',
      attempts: tooHard(1),
    });
    // A worked solution that came with the problem is kept.
    const given = `${lab[2]!.steps.join('\n')}\nSo $\\boxed{${lab[2]!.answer}}$.`;
    await addProblem(env, runId, {
      id: 'worked',
      text: lab[2]!.text,
      answer: lab[2]!.answer,
      solution: given,
      zone: 'too_difficult',
      attempts: tooHard(2),
    });
    const ref = { runId, round: 1, batch: 0 };
    assert.deepEqual(await referenceSolutionsBatch(env.deps, ref), {
      needed: 2,
      written: 1,
      missing: 1,
    });
    const calls = await requestsOf(env, runId, PROMPT_VERSIONS.referenceSolution);
    assert.ok(calls.length >= 2, 'the wrong-reference problem was asked again with another seed');
    assert.ok(calls.every((c) => request(c).temperature === 0.1));

    const rows = await env.deps.db.select().from(problems).where(eq(problems.runId, runId));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const written = byId.get('answer-only')!;
    assert.equal(written.solutionAuthor, 'teacher');
    assert.ok(written.solution!.includes(lab[0]!.steps[0]!), 'the steps, not a bare answer');
    assert.equal(byId.get('wrong-reference')!.solution, null);
    assert.equal(byId.get('worked')!.solution, given);

    await buildPairs(env.deps, { runId, round: 1 });
    const pairs = (await exportRows(env.deps.db, runId, 'pairs')) as {
      problemId: string;
      chosenAttemptId: string | null;
      chosen: Messages;
    }[];
    const of = (id: string) => pairs.filter((p) => p.problemId === id);
    assert.equal(of('wrong-reference').length, 0);
    assert.equal(of('answer-only').length, 2);
    for (const p of of('answer-only')) {
      assert.equal(p.chosenAttemptId, null);
      assert.equal(p.chosen[0]!.content, written.solution);
      assert.doesNotMatch(p.chosen[0]!.content, /^The answer is/);
    }
    assert.equal(of('worked')[0]!.chosen[0]!.content, given);

    const attempts = (await exportRows(env.deps.db, runId, 'attempts')) as {
      problemId: string;
      pairEligible: boolean;
      noPairsReason: string | null;
    }[];
    for (const a of attempts) {
      const none = a.problemId === 'wrong-reference';
      assert.equal(a.pairEligible, !none, a.problemId);
      if (none) assert.match(a.noPairsReason ?? '', /no verified reference solution: .*987654321/);
      else assert.equal(a.noPairsReason, null);
    }

    // Once: a written solution is kept, and the unverifiable one costs no new paid call.
    assert.deepEqual(await referenceSolutionsBatch(env.deps, ref), {
      needed: 1,
      written: 0,
      missing: 1,
    });
    assert.equal(
      (await requestsOf(env, runId, PROMPT_VERSIONS.referenceSolution)).length,
      calls.length,
    );
  });

  it('samples, judges, re-checks and writes at the paper temperatures, JSON by schema', async () => {
    assert.notEqual(PROMPT_VERSIONS.solve, 'solve-v1');
    for (const step of [/understand/i, /plan/i, /execute/i, /verify/i, /\\boxed\{\}/])
      assert.match(SYSTEM.solve, step);

    const runId = await newRun(env, {
      loop: { k: 2, judgePolicy: 'both' },
      tasks: { harden: { temperature: 0.9, maxTokens: 1234 } },
    });
    await addProblem(env, runId, {
      id: 'learning',
      text: lab[3]!.text,
      answer: lab[3]!.answer,
      attempts: [
        { text: right(3), correct: true },
        { text: wrong(3), correct: false },
      ],
    });
    await addProblem(env, runId, {
      id: 'mastered',
      text: lab[4]!.text,
      answer: lab[4]!.answer,
      attempts: [
        { text: right(4), correct: true },
        { text: right(4), correct: true },
      ],
    });
    await addProblem(env, runId, {
      id: 'too-hard',
      text: lab[5]!.text,
      answer: lab[5]!.answer,
      attempts: [
        { text: wrong(5), correct: false },
        { text: wrong(5, 2), correct: false },
      ],
    });
    const ref = { runId, round: 1, batch: 0 };
    await judgeBatch(env.deps, ref);
    await selfVerifyBatch(env.deps, ref);
    await refineBatch(env.deps, ref);
    await sampleBatch(env.deps, { ...ref, solverModel: 'lab-solver' });

    const expect = {
      [PROMPT_VERSIONS.solve]: { temperature: 0.8, format: undefined },
      [PROMPT_VERSIONS.judge]: { temperature: 0.1, format: REPLY_FORMATS.judge },
      [PROMPT_VERSIONS.selfVerify]: { temperature: 0.1, format: REPLY_FORMATS.selfVerify },
      [PROMPT_VERSIONS.refineTargeted]: { temperature: 0.85, format: REPLY_FORMATS.newProblem },
      [PROMPT_VERSIONS.refineHarder]: { temperature: 0.9, format: REPLY_FORMATS.newProblem },
    };
    for (const [version, { temperature, format }] of Object.entries(expect)) {
      const calls = await requestsOf(env, runId, version);
      assert.ok(calls.length > 0, version);
      for (const call of calls) {
        const sent = request(call);
        assert.equal(sent.temperature, temperature, version);
        assert.equal(sent.response_format?.json_schema.name, format?.name, version);
        if (format)
          assert.deepEqual(sent.response_format, {
            type: 'json_schema',
            json_schema: { ...format, strict: true },
          });
      }
    }
    // `socratic init` shows every task's temperature.
    assert.match(exampleConfigYaml(), /^tasks:\n {2}solve:.*\n {4}temperature: 0\.8$/m);
    assert.match(exampleConfigYaml(), /^ {2}judge:.*\n {4}temperature: 0\.1$/m);
    const [harden] = await requestsOf(env, runId, PROMPT_VERSIONS.refineHarder);
    assert.equal(request(harden!).max_tokens, 1234);
    const [solve] = await requestsOf(env, runId, PROMPT_VERSIONS.solve);
    assert.equal(request(solve!).messages[0]!.content, SYSTEM.solve);
    // The schema sent is the zod reply schema's: every field the zod check requires.
    const judgeSchema = REPLY_FORMATS.judge.schema as {
      properties: { verdicts: { items: { required: string[] } } };
    };
    assert.deepEqual(
      judgeSchema.properties.verdicts.items.required.sort(),
      Object.keys(JudgeReply.shape.verdicts.element.shape).sort(),
    );
    // Judging k answers gets room for k verdicts even when the role's limit is small.
    const small = Config.parse({ roles: { teacher: { maxTokens: 100 } }, loop: { k: 8 } });
    assert.ok(taskSampling(small, 'judge').maxTokens >= 8 * 300);
    assert.equal(taskSampling(small, 'selfVerify').maxTokens, 100);
  });

  it('N refinements of a problem use N distinct attempts; fewer attempts, fewer refinements', async () => {
    const runId = await newRun(env, { loop: { refinementsPerProblem: 2 } });
    const ids = {
      many: await addProblem(env, runId, {
        id: 'many-failures',
        text: lab[6]!.text,
        answer: lab[6]!.answer,
        zone: 'learning',
        attempts: [
          { text: wrong(6), correct: false },
          { text: right(6), correct: true },
          { text: wrong(6, 2), correct: false },
          { text: wrong(6, 3), correct: false },
        ],
      }),
      one: await addProblem(env, runId, {
        id: 'one-failure',
        text: lab[7]!.text,
        answer: lab[7]!.answer,
        zone: 'learning',
        attempts: [
          { text: right(7), correct: true },
          { text: wrong(7), correct: false },
        ],
      }),
      mastered: await addProblem(env, runId, {
        id: 'mastered',
        text: lab[8]!.text,
        answer: lab[8]!.answer,
        zone: 'mastered',
        attempts: [
          { text: right(8), correct: true },
          { text: right(8), correct: true },
          { text: right(8), correct: true },
        ],
      }),
    };
    await refineBatch(env.deps, { runId, round: 1, batch: 0 });
    const rows = await env.deps.db.select().from(refinements).where(eq(refinements.runId, runId));
    const sources = (problem: string) =>
      rows
        .filter((r) => r.sourceProblemId === problem)
        .map((r) => r.sourceAttemptId)
        .sort();
    assert.deepEqual(sources('many-failures'), [ids.many[0], ids.many[2]].sort());
    assert.deepEqual(sources('one-failure'), [ids.one[1]]);
    assert.deepEqual(sources('mastered'), [ids.mastered[0], ids.mastered[1]].sort());
    assert.ok(
      rows.every((r) => r.mode === (r.sourceProblemId === 'mastered' ? 'harder' : 'targeted')),
    );
  });

  it('generator data: targeted refinements only, none dropped, weighted, in the WSFT format', async () => {
    const runId = await newRun(env);
    const failed = await addProblem(env, runId, {
      id: 'source',
      text: lab[9]!.text,
      answer: lab[9]!.answer,
      zone: 'learning',
      attempts: [{ text: wrong(9), correct: false }],
    });
    const written = (id: string, status: 'active' | 'dropped') =>
      env.deps.db.insert(problems).values({
        runId,
        id,
        text: `${id} text`,
        answer: '5',
        solution: `${id} solution`,
        origin: 'teacher',
        roundCreated: 1,
        status,
      });
    const refinement = (id: string, mode: 'targeted' | 'harder', utility: number | null) => ({
      id: `${runId}-${id}`,
      runId,
      round: 1,
      sourceProblemId: 'source',
      sourceAttemptId: failed[0]!,
      mode,
      author: 'teacher' as const,
      text: `${id} text`,
      answer: '5',
      solution: `${id} solution`,
      status: 'admitted' as const,
      problemId: id,
      measuredSuccessRate: utility === null ? null : 0.5,
      utility,
    });
    await written('kept', 'active');
    await written('dropped', 'dropped');
    await written('harder', 'active');
    await written('unmeasured', 'active');
    await env.deps.db
      .insert(refinements)
      .values([
        refinement('kept', 'targeted', 1),
        refinement('dropped', 'targeted', 1),
        refinement('harder', 'harder', 1),
        refinement('unmeasured', 'targeted', null),
      ]);
    const data = (await exportRows(env.deps.db, runId, 'generator-data')) as Record<
      string,
      unknown
    >[];
    assert.deepEqual(
      data.map((d) => d.problemId),
      ['kept'],
    );
    const [example] = data;
    assert.deepEqual(
      example!.prompt,
      generatePrompt({ problem: lab[9]!.text, failedAttempt: wrong(9) }),
    );
    assert.equal(example!.weight, 1);
    const completion = example!.completion as Messages;
    assert.equal(completion.length, 1);
    assert.equal(completion[0]!.role, 'assistant');
    assert.deepEqual(JSON.parse(completion[0]!.content), {
      problem: 'kept text',
      solution: 'kept solution',
      answer: '5',
    });
  });

  it('with static serving, the rounds after training sample under the configured name', async () => {
    const runId = await newRun(env, {
      serving: { solver: { mode: 'static', model: 'operator-solver' } },
      trainer: { solver: { hyperparameters: { step_ms: 0 } } },
      // One pair: none held out for validation, or a random run id could leave no training data.
      loop: { validationFraction: 0 },
    });
    await addProblem(env, runId, {
      id: 'learning',
      text: lab[10]!.text,
      answer: lab[10]!.answer,
      zone: 'learning',
      attempts: [
        { text: right(10), correct: true },
        { text: wrong(10), correct: false },
      ],
    });
    await buildPairs(env.deps, { runId, round: 1 });
    const outcome = await inActivity(() => trainSolver(env.deps, { runId, round: 1 }));
    assert.equal(outcome.trained, true);
    assert.equal(outcome.model, 'operator-solver');
    const [model] = await env.deps.db
      .select()
      .from(models)
      .where(and(eq(models.runId, runId), eq(models.round, 1)));
    assert.equal(model!.servedName, 'operator-solver');
    assert.equal(await solverFor(env.deps, runId, 2), 'operator-solver');
    // The other modes serve the trained model under its own name.
    const lora = Config.parse({ serving: { solver: { mode: 'vllm-lora' } } });
    assert.equal(servedNameFor(lora, 'solver', 'solver-abc-r1'), 'solver-abc-r1');
    const unnamed = Config.parse({
      serving: { solver: { mode: 'static' } },
      roles: { solver: { model: 'base' } },
    });
    assert.equal(servedNameFor(unnamed, 'solver', 'solver-abc-r1'), 'base');
  });
});

describe('evaluation as the paper reports it', () => {
  let env: StageEnv;
  before(async () => {
    // A Teacher that flips every verdict: its judging of undecided answers is visible.
    env = await stageEnv({ judgeErrorRate: 1 });
  });
  after(() => env.close());

  it('preset paper is Mean@32 at top-p 0.9 and T 0.7, one switch away', () => {
    const paper = Config.parse({ evaluation: { preset: 'paper', samples: 2, topP: 0.5 } });
    assert.equal(paper.evaluation.samples, 32);
    assert.equal(paper.evaluation.topP, 0.9);
    assert.equal(paper.tasks.evaluate.temperature, 0.7);
    assert.deepEqual(Config.parse(paper), paper, 'a stored config snapshot parses to itself');
  });

  /** The evaluation plan of every file in a benchmark folder, at batch size 1 (= its record count). */
  async function planOf(dir: string) {
    const files = readdirSync(dir)
      .filter((f) => /\.jsonl?$/.test(f))
      .sort();
    const runId = await newRun(env, {
      loop: { batchSize: 1 },
      evaluation: { benchmarks: files.map((f) => ({ name: f, path: path.join(dir, f) })) },
    });
    return Object.fromEntries(
      (await evaluationPlan(env.deps, runId)).map((b) => [b.benchmark, b.batches]),
    );
  }

  it('every benchmark format loads as it is (excerpts of the six shared files)', async () => {
    assert.deepEqual(await planOf(path.join(__dirname, '..', 'fixtures', 'bench')), {
      'aime24.jsonl': 2,
      'amc23.jsonl': 2,
      'gsm8k_test.jsonl': 2,
      'math500.json': 2,
      'minerva_math.jsonl': 2,
      'olympiadbench.jsonl': 2,
    });
  });

  it('answers MathRule cannot decide go to the Teacher, counted apart, under their own token limit', async () => {
    const bench = path.join(env.dir, 'bench.jsonl');
    writeFileSync(
      bench,
      [
        { problem: lab[11]!.text, answer: lab[11]!.answer },
        { problem: 'What does $1/x$ tend to as $x$ grows?', answer: 'x \\to \\infty' },
      ]
        .map((r) => `${JSON.stringify(r)}\n`)
        .join(''),
    );
    const evaluation = (teacherFallback: boolean) => ({
      benchmarks: [{ name: 'tiny', path: bench }],
      samples: 3,
      teacherFallback,
    });
    const runId = await newRun(env, {
      evaluation: evaluation(true),
      tasks: { evaluate: { maxTokens: 777 } },
    });
    const ref = { runId, round: 0, benchmark: 'tiny', model: 'lab-solver' };
    const result = await evaluateBatch(env.deps, { ...ref, batch: 0 });
    assert.equal(result.problems, 2);
    assert.equal(result.undecided, 3, 'the unparseable reference leaves all 3 samples undecided');
    assert.equal(result.teacherCorrect, 3, 'the (flipping) Teacher judged them');
    const judged = await requestsOf(env, runId, PROMPT_VERSIONS.judge);
    assert.equal(judged.length, 1);
    assert.equal(request(judged[0]!).temperature, 0.1);
    for (const call of await requestsOf(env, runId, PROMPT_VERSIONS.solve)) {
      assert.equal(request(call).max_tokens, 777);
      assert.equal(request(call).temperature, 0.7);
      assert.equal(request(call).top_p, 0.9);
    }
    await recordEvaluation(env.deps, { ...ref, ...result });
    const [row] = (await exportRows(env.deps.db, runId, 'evaluations')) as Record<
      string,
      unknown
    >[];
    assert.equal(row!.undecided, 3);
    assert.equal(row!.teacherCorrect, 3);
    assert.equal(row!.accuracy, result.correct / 6);

    const off = await newRun(env, { evaluation: evaluation(false) });
    const plain = await evaluateBatch(env.deps, { ...ref, runId: off, batch: 0 });
    assert.equal(plain.undecided, 3);
    assert.equal(plain.teacherCorrect, 0);
    assert.equal((await requestsOf(env, off, PROMPT_VERSIONS.judge)).length, 0);
  });
});

describe('structured output', () => {
  it('a server that refuses response_format with a 400 is asked without it, for the rest of the run', async () => {
    const { createServer } = await import('node:http');
    const seen: boolean[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        const parsed = JSON.parse(body);
        seen.push(parsed.response_format !== undefined);
        res.setHeader('content-type', 'application/json');
        if (parsed.response_format) {
          res.statusCode = 400;
          res.end(JSON.stringify({ error: { message: 'response_format is not supported' } }));
          return;
        }
        res.end(
          JSON.stringify({
            id: 'x',
            object: 'chat.completion',
            created: 0,
            model: parsed.model,
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: '{"problem": "p", "answer": "1"}' },
                finish_reason: 'stop',
              },
            ],
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const env = await stageEnv();
    try {
      const ask = async (runId: string, seed: number) =>
        env.deps.llm.chatValidated(
          {
            role: 'teacher',
            model: 'm',
            promptVersion: 'test-v1',
            messages: [{ role: 'user', content: 'write' }],
            responseFormat: REPLY_FORMATS.newProblem,
            seed,
            runId,
            round: 1,
          },
          z.object({ problem: z.string(), answer: z.string() }),
        );
      const teacher = { baseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 0 };
      const runId = await newRun(env, { roles: { teacher } });
      assert.deepEqual(await ask(runId, 1), { problem: 'p', answer: '1' });
      assert.deepEqual(await ask(runId, 2), { problem: 'p', answer: '1' });
      assert.deepEqual(seen, [true, false, false], 'refused once, then asked without');
      const off = await newRun(env, {
        roles: { teacher: { ...teacher, structuredOutput: false } },
      });
      seen.length = 0;
      await ask(off, 3);
      assert.deepEqual(seen, [false]);
    } finally {
      await env.close();
      server.close();
    }
  });
});
