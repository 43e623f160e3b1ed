// One short round with a real language model as Solver and Teacher (SmolLM2-135M behind
// `socratic model serve`), through the real CLI and a real Temporal server: real output
// (rambling, no \boxed{}, cut at max_tokens, JSON that almost validates, a chat template)
// meets every stage. The model is tiny and bad at math: behaviour is asserted, not accuracy.
// What the model writes differs between CPUs, so the one rejection path the test relies on
// is forced: the judge's token cap is too small for any valid verdict list.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { count, eq } from 'drizzle-orm';
import { openDatabase } from '../../db/client';
import { attempts as attemptsTable, llmCalls, refinements, replyRejections } from '../../db/schema';
import { type ModelServer, startModelServer } from '../../model/server';
import { PROMPT_VERSIONS } from '../../prompts';
import { events, exportJsonl, REPO, runCli, tempDir } from '../support/cli';
import { testTemporal } from '../support/temporal';
import { smollm2Path } from './smollm2';

const FIXTURES = path.join(REPO, 'test', 'fixtures', 'real-model');
const SEEDS = 2;
/** Completion tokens for the judge: `{"verdicts":[{"index":1,…` for two answers cannot fit. */
const JUDGE_MAX_TOKENS = 8;

let server: ModelServer;
before(async () => {
  server = await startModelServer({ gguf: smollm2Path(), name: 'smollm2' });
});
after(() => server?.close());

test('a round with SmolLM2 as Solver and Teacher completes and records what it rejected', {
  timeout: 900_000,
}, async () => {
  const started = Date.now();
  const dir = tempDir();
  const config = path.join(dir, 'socratic.yaml');
  const endpoint = (maxTokens: number) =>
    `{ baseUrl: "${server.url}", model: smollm2, concurrency: 1, maxTokens: ${maxTokens}, maxRetries: 0 }`;
  writeFileSync(
    config,
    `stateDir: ./state
rounds: 1
seed: 5
roles:
  solver: ${endpoint(96)}
  teacher: ${endpoint(160)}
  generator: ${endpoint(96)}
loop:
  seeds: ${path.join(FIXTURES, 'seeds.jsonl')}
  k: 2
  batchSize: 3
  judgePolicy: both
tasks:
  judge: { maxTokens: ${JUDGE_MAX_TOKENS} }
evaluation:
  benchmarks: [{ name: tiny, path: ${path.join(FIXTURES, 'bench.jsonl')} }]
  samples: 1
serving:
  solver: { mode: static, model: smollm2 }
temporal:
  taskQueue: real-model-round
`,
  );
  const result = await runCli(['run', '--config', config, '--json'], {
    TEMPORAL_ADDRESS: testTemporal().address,
  });
  assert.equal(result.code, 0, `run failed:\n${result.stderr}\n${result.stdout.slice(-3000)}`);
  const done = events(result.stdout).find((e) => e.event === 'done') as { status: string };
  assert.equal(done.status, 'completed');

  // Sampling and judging: k attempts for each seed, each with a verdict.
  const attempts = await exportJsonl(config, 'attempts');
  assert.equal(attempts.length, SEEDS * 2);
  assert.ok(attempts.every((a) => typeof a.correct === 'boolean'));

  // Evaluation before and after the round, on the tiny benchmark.
  const evaluations = await exportJsonl(config, 'evaluations');
  assert.deepEqual(
    evaluations.map((e) => [e.round, e.benchmark, e.problems]),
    [
      [0, 'tiny', 2],
      [1, 'tiny', 2],
    ],
  );

  // The DPO data the trainer was given: one line per recorded pair, every side non-empty.
  const pairs = await exportJsonl(config, 'pairs');
  const [runDir] = readdirSync(path.join(dir, 'state', 'runs'));
  const trainFile = path.join(dir, 'state', 'runs', runDir!, 'round-1', 'pairs.train.jsonl');
  const validationFile = trainFile.replace('pairs.train.jsonl', 'pairs.validation.jsonl');
  const lines = [trainFile, validationFile]
    .filter((f) => existsSync(f))
    .flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean))
    .map((l) => JSON.parse(l) as { prompt: unknown; chosen: unknown; rejected: unknown });
  assert.equal(lines.length, pairs.length);
  for (const line of lines) {
    assert.ok(line.prompt && line.chosen && line.rejected, JSON.stringify(line).slice(0, 300));
  }

  const database = await openDatabase({ dataDir: path.join(dir, 'state', 'pgdata') });
  try {
    // Every LLM call went to the real model, through its chat template.
    const [calls] = await database.db.select({ n: count() }).from(llmCalls);
    assert.ok((calls?.n ?? 0) >= SEEDS + 2 * 2, `${calls?.n} LLM calls`);
    const sampled = await database.db.select().from(attemptsTable);
    assert.equal(sampled.length, SEEDS * 2);
    assert.ok(
      sampled.every((a) => a.text.length > 0 && a.solverModel === 'smollm2'),
      "each attempt keeps the real model's text",
    );
    // Each pair's prompt carries the problem exactly as the Solver was asked it.
    const solveCalls = (await database.db.select().from(llmCalls)).filter(
      (c) => c.role === 'solver' && c.round === 1,
    );
    const asked = solveCalls.map(
      (c) => (c.request as { messages: { role: string; content: string }[] }).messages,
    );
    for (const line of lines) {
      // TRL's conversational format: the prompt is exactly the messages the Solver was
      // sampled with; each side is one assistant message.
      assert.ok(Array.isArray(line.prompt), 'the prompt is a list of chat messages');
      assert.ok(
        asked.some((m) => JSON.stringify(m) === JSON.stringify(line.prompt)),
        `pair prompt is not one of the sampled message lists: ${JSON.stringify(line.prompt).slice(0, 200)}`,
      );
      for (const side of [line.chosen, line.rejected])
        assert.deepEqual(
          (side as { role: string }[]).map((m) => m.role),
          ['assistant'],
        );
    }
    // Refinement ran on the round's problems and every outcome is recorded with its reason.
    const written = await database.db.select().from(refinements);
    for (const r of written.filter((r) => r.status === 'rejected'))
      assert.ok(r.reason, 'a rejected refinement says why');
    // The Teacher judged every problem ('both'), and every judge reply was cut by the real
    // server at the cap: each of the 3 tries per problem is recorded with what the model
    // wrote, and the rule's verdicts stand alone.
    const [rejections] = await database.db.select({ n: count() }).from(replyRejections);
    const judgeRejections = await database.db
      .select()
      .from(replyRejections)
      .where(eq(replyRejections.promptVersion, PROMPT_VERSIONS.judge));
    assert.ok(
      judgeRejections.length >= SEEDS * 3,
      `${judgeRejections.length} judge rejections recorded, expected at least ${SEEDS * 3}`,
    );
    assert.ok(
      judgeRejections.every((r) => r.role === 'teacher' && r.error.length > 0),
      'each rejection says why',
    );
    assert.ok(
      sampled.every((a) => a.teacherVerdict === null && (!a.correct || a.ruleVerdict === true)),
      'without a valid Teacher verdict only the rule can find an attempt correct',
    );
    const rejectedRefinements = written.filter((r) => r.status === 'rejected').length;
    const [ruleOnly] = await database.db
      .select({ n: count() })
      .from(replyRejections)
      .where(eq(replyRejections.role, 'teacher'));
    console.log(
      `real-model round: ${((Date.now() - started) / 1000).toFixed(0)} s, ${calls?.n} calls, ` +
        `${rejections?.n} reply rejections (${ruleOnly?.n} Teacher), ${written.length} refinements ` +
        `(${rejectedRefinements} rejected), ${pairs.length} pairs`,
    );
  } finally {
    await database.close();
  }
});
