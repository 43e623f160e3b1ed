// A refresh never writes beside a round of its run: it is skipped, and says why; and it
// is planned once, so a retried or resumed refresh finds the same plan.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { beginRefresh } from '../../activities/refresh';
import { createRun } from '../../cli/runs';
import { Config } from '../../config/schema';
import { openDatabase } from '../../db/client';
import { attempts, problems, refreshes, refreshProblems, rounds } from '../../db/schema';
import { tempDir } from '../support/cli';

test('a refresh is skipped while a round runs, and planned once otherwise', async () => {
  const handle = await openDatabase({ dataDir: path.join(tempDir(), 'pgdata') });
  try {
    const { db } = handle;
    const run = await createRun(db, Config.parse({ refresh: { count: 2 } }));
    const deps = { db, llm: undefined as never };
    await db
      .insert(rounds)
      .values({ runId: run.id, round: 1, status: 'running', solverModel: 'm' });

    const busy = await beginRefresh(deps, { runId: run.id, refreshId: 'r1' });
    assert.deepEqual(busy.skipped, true);
    assert.match((busy as { reason: string }).reason, /round 1 is running/);
    const [row] = await db.select().from(refreshes).where(eq(refreshes.id, 'r1'));
    assert.equal(row?.status, 'skipped');

    await db.update(rounds).set({ status: 'completed' }).where(eq(rounds.runId, run.id));
    const none = await beginRefresh(deps, { runId: run.id, refreshId: 'r2' });
    assert.match((none as { reason: string }).reason, /no failed attempts/);

    await db.insert(problems).values(
      ['p1', 'p2', 'p3'].map((id) => ({
        runId: run.id,
        id,
        text: `problem ${id}`,
        answer: '1',
        origin: 'seed' as const,
        roundCreated: 0,
      })),
    );
    await db.insert(attempts).values(
      ['p1', 'p2', 'p3'].flatMap((problemId) =>
        [0, 1].map((sampleIndex) => ({
          id: `${problemId}-${sampleIndex}`,
          runId: run.id,
          problemId,
          round: 1,
          solverModel: 'm',
          sampleIndex,
          text: 'wrong',
          correct: sampleIndex === 1,
        })),
      ),
    );
    const planned = await beginRefresh(deps, { runId: run.id, refreshId: 'r3' });
    assert.deepEqual(planned, { skipped: false, round: 1, batches: 1 });
    const plan = await db.select().from(refreshProblems).where(eq(refreshProblems.refreshId, 'r3'));
    assert.equal(plan.length, 2, 'refresh.count problems');
    assert.ok(
      plan.every((p) => p.sourceAttemptId.endsWith('-0')),
      'only failed attempts',
    );
    assert.ok(
      plan.every((p) => p.writerModel === 'lab-teacher'),
      'the Teacher while no Generator',
    );

    // Resumed: the same plan, nothing added.
    assert.deepEqual(await beginRefresh(deps, { runId: run.id, refreshId: 'r3' }), planned);
    const again = await db
      .select()
      .from(refreshProblems)
      .where(and(eq(refreshProblems.refreshId, 'r3')));
    assert.deepEqual(
      again.map((p) => p.sourceAttemptId).sort(),
      plan.map((p) => p.sourceAttemptId).sort(),
    );
  } finally {
    await handle.close();
  }
});
