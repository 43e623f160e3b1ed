// Sampling a slice of problems (activities/sample.ts) against PGlite, the real LLM gateway
// and the simulated lab: bounded concurrency, one paid call per problem, and nothing a
// finished problem paid for lost when a sibling fails.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { and, eq } from 'drizzle-orm';
import type { ChatRequest } from '../../activities/llm/gateway';
import { sampleProblems } from '../../activities/sample';
import { Config } from '../../config/schema';
import { attempts } from '../../db/schema';
import { labSeedSet } from '../../lab/sets';
import { PROMPT_VERSIONS } from '../../prompts';
import { newRun, requestsOf, type StageEnv, stageEnv } from '../support/stage-env';

const settings = { roles: { solver: { concurrency: 2 } }, loop: { k: 3 } };
const slice = labSeedSet(7, 20).map((p, i) => ({ id: `p${i}`, text: p.text }));

describe('sampling a slice', () => {
  let env: StageEnv;
  before(async () => {
    env = await stageEnv();
  });
  after(() => env.close());

  const attemptsOf = (runId: string) =>
    env.deps.db
      .select()
      .from(attempts)
      .where(and(eq(attempts.runId, runId), eq(attempts.round, 1)));

  /** The deps with the Solver's calls counted (and `fail` refusing some), the gateway behind. */
  function watched(fail: (request: ChatRequest) => boolean = () => false) {
    const seen = { inFlight: 0, most: 0 };
    const llm = Object.create(env.deps.llm) as typeof env.deps.llm;
    llm.chat = async (request) => {
      seen.most = Math.max(seen.most, ++seen.inFlight);
      try {
        if (fail(request)) throw new Error('refused by the test');
        return await env.deps.llm.chat(request);
      } finally {
        seen.inFlight--;
      }
    };
    return { deps: { ...env.deps, llm }, seen };
  }

  it('streams more problems than its concurrency, pays once per problem, and a rerun pays nothing', async () => {
    const runId = await newRun(env, settings);
    const config = Config.parse(settings);
    const ref = { runId, round: 1, solverModel: 'lab-solver' };
    const { deps, seen } = watched();
    const counts = await sampleProblems(deps, ref, config, slice);
    assert.deepEqual(counts, { attempts: 20 * 3, requests: 20 });
    assert.ok(seen.most <= 4, `at most twice the Solver's concurrency in flight (${seen.most})`);
    const stored = await attemptsOf(runId);
    assert.equal(stored.length, 60);
    for (const problem of slice)
      assert.deepEqual(
        stored
          .filter((a) => a.problemId === problem.id)
          .map((a) => a.sampleIndex)
          .sort(),
        [0, 1, 2],
      );
    assert.ok(stored.every((a) => a.extractedAnswer !== null && a.text.length > 0));
    assert.equal((await requestsOf(env, runId, PROMPT_VERSIONS.solve)).length, 20);

    const again = await sampleProblems(deps, ref, config, slice);
    assert.deepEqual(again, { attempts: 60, requests: 0 }, 'served from the cache');
    assert.equal((await attemptsOf(runId)).length, 60);
  });

  it('stores what the other problems got when one fails, then fails', async () => {
    const runId = await newRun(env, { ...settings, seed: 2 });
    const config = Config.parse({ ...settings, seed: 2 });
    const ref = { runId, round: 1, solverModel: 'lab-solver' };
    const bad = slice[3]!.text;
    const { deps } = watched((request) => request.messages.some((m) => m.content === bad));
    await assert.rejects(sampleProblems(deps, ref, config, slice), /refused by the test/);
    // Read at once: the activity fails only after every sibling is stored.
    const stored = await attemptsOf(runId);
    assert.equal(stored.length, 19 * 3);
    assert.ok(!stored.some((a) => a.problemId === 'p3'));
    assert.equal((await requestsOf(env, runId, PROMPT_VERSIONS.solve)).length, 19);
  });
});
