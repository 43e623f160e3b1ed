// A 2-round run on the simulated lab, through the real CLI, a real Temporal server,
// PGlite and the real openai client; then its records, checked from the outside.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { count, eq } from 'drizzle-orm';
import { openDatabase } from '../../db/client';
import { llmCalls, replyRejections } from '../../db/schema';
import { PROMPT_VERSIONS } from '../../prompts';
import { events, exportJsonl, runCli, tempDir, writeSmallConfig } from '../support/cli';
import { assertReplays, testTemporal } from '../support/temporal';
import { assertPairsFollowFromAttempts } from './records';

test('a 2-round run on the lab completes with the expected records', {
  timeout: 600_000,
}, async () => {
  const dir = tempDir();
  // A fixed task queue keeps the run id, and so every draw of the lab, the same on every machine.
  const taskQueue = 'loop-run-test';
  const config = writeSmallConfig(dir, `temporal:\n  taskQueue: ${taskQueue}\n`, {
    evalProblems: 80,
  });
  const result = await runCli(['run', '--config', config, '--json'], {
    TEMPORAL_ADDRESS: testTemporal().address,
  });
  assert.equal(result.code, 0, `run failed:\n${result.stderr}\n${result.stdout.slice(-3000)}`);
  const done = events(result.stdout).find((e) => e.event === 'done') as {
    status: string;
    rounds: unknown[];
  };
  assert.equal(done.status, 'completed');
  assert.equal(done.rounds.length, 2);

  const problems = await exportJsonl(config, 'problems');
  const seeds = problems.filter((p) => p.origin === 'seed');
  assert.equal(seeds.length, 24);
  assert.ok(seeds.every((p) => p.roundCreated === 0 && p.parentId === null));
  const written = problems.filter((p) => p.origin === 'teacher');
  assert.ok(written.length > 0, 'the Teacher wrote admitted problems');
  const ids = new Set(problems.map((p) => p.id));
  assert.ok(
    written.every((p) => ids.has(p.parentId) && [1, 2].includes(p.roundCreated as number)),
    'lineage',
  );
  for (const p of problems.filter((p) => p.status === 'dropped'))
    assert.ok([1, 2].includes(p.droppedRound as number));

  const attempts = await exportJsonl(config, 'attempts');
  const round1 = attempts.filter((a) => a.round === 1);
  assert.equal(round1.length, 24 * 4, 'k attempts for every seed in round 1');
  assert.ok(
    attempts.every((a) => typeof a.correct === 'boolean'),
    'every attempt judged',
  );
  assert.ok(
    attempts.some((a) => a.round === 2),
    'round 2 sampled its new problems',
  );

  const pairs = await exportJsonl(config, 'pairs');
  assert.ok(pairs.length > 0);
  assertPairsFollowFromAttempts(problems, attempts, pairs);
  // TRL's conversational format; a reference that wins is a worked solution, never a bare answer.
  type Messages = { role: string; content: string }[];
  for (const pair of pairs) {
    assert.deepEqual(
      [pair.chosen, pair.rejected].map((side) => (side as Messages).map((m) => m.role)),
      [['assistant'], ['assistant']],
    );
    if (pair.chosenAttemptId === null)
      assert.doesNotMatch((pair.chosen as Messages)[0]!.content, /^The answer is/);
  }

  const evaluations = await exportJsonl(config, 'evaluations');
  assert.deepEqual(
    evaluations.map((e) => e.round),
    [0, 1, 2],
  );
  assert.ok(
    (evaluations[2]!.accuracy as number) > (evaluations[0]!.accuracy as number),
    'the Solver improved',
  );

  // Round 1's admitted problems were measured by round 2's sampling: their weights are known.
  // Generator data: only targeted refinements, and no problem self-verification dropped.
  const generatorData = await exportJsonl(config, 'generator-data');
  const measured = generatorData.filter((g) => g.round === 1);
  assert.ok(measured.length > 0);
  const activeIds = new Set(problems.filter((p) => p.status === 'active').map((p) => p.id));
  for (const g of generatorData) {
    assert.ok(activeIds.has(g.problemId) && activeIds.has(g.sourceProblemId), 'not dropped');
    assert.equal((g.prompt as Messages)[0]!.role, 'system');
    assert.ok(typeof g.weight === 'number');
  }
  for (const g of measured) {
    const s = g.measuredSuccessRate as number;
    assert.ok(Math.abs((g.weight as number) - Math.exp(-((s - 0.5) ** 2) / (2 * 0.2 ** 2))) < 1e-9);
  }

  // The lab's malformed JSON was recorded and retried, and no request was ever sent twice.
  const database = await openDatabase({ dataDir: path.join(dir, 'state', 'pgdata') });
  const [rejections] = await database.db.select({ n: count() }).from(replyRejections);
  // Every pair's prompt is exactly the messages its Solver attempts were sampled with.
  const sampled = new Set(
    (
      await database.db
        .select({ request: llmCalls.request })
        .from(llmCalls)
        .where(eq(llmCalls.promptVersion, PROMPT_VERSIONS.solve))
    ).map((c) => JSON.stringify((c.request as { messages: unknown }).messages)),
  );
  await database.close();
  for (const pair of pairs) assert.ok(sampled.has(JSON.stringify(pair.prompt)), 'pair prompt');
  assert.ok((rejections?.n ?? 0) > 0, 'invalid Teacher replies were recorded');
  const keys = readFileSync(path.join(dir, 'state', 'requests.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).key);
  assert.equal(new Set(keys).size, keys.length, 'no chat request was sent twice');

  // Determinism: every recorded history (run executions and rounds) replays on today's code.
  const connection = await Connection.connect({ address: testTemporal().address });
  try {
    const client = new Client({ connection });
    const histories = client.workflow.list({ query: `TaskQueue = "${taskQueue}"` }).intoHistories();
    const replayed = await assertReplays(histories);
    assert.ok(replayed >= 4, `replayed ${replayed} histories (2 run executions, 2 rounds)`);
  } finally {
    await connection.close();
  }
});
