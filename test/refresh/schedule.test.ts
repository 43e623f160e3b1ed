// The nightly curriculum refresh on a Temporal Schedule, through the real CLI and a real
// Temporal server: a nightly schedule, two triggered refreshes whose kept problems all
// have a measured success rate inside the band and enter the next round's set, then
// deleting the schedule stops it.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { roundProblemIds, selectRoundSet } from '../../activities/round-set';
import { openDatabase } from '../../db/client';
import { events, exportJsonl, runCli, tempDir, writeSmallConfig } from '../support/cli';
import { testTemporal } from '../support/temporal';

type Row = Record<string, unknown>;
const taskQueue = 'refresh-schedule-test';

test('a refresh schedule adds in-band problems to the next round, until it is deleted', {
  timeout: 900_000,
}, async () => {
  const dir = tempDir();
  // Two rounds with a Generator trained in round 2: the refreshes are its to write.
  const config = writeSmallConfig(
    dir,
    `temporal:\n  taskQueue: ${taskQueue}\ngenerator:\n  trainEvery: 1\n`,
    { rounds: 2 },
  );
  const env = { TEMPORAL_ADDRESS: testTemporal().address };
  const cli = async (...args: string[]) => {
    const result = await runCli([...args, '--config', config], env);
    return { ...result, json: events(result.stdout) };
  };
  const ran = await cli('run', '--json');
  assert.equal(ran.code, 0, ran.stderr);
  const runId = String(ran.json.find((e) => e.runId)!.runId);

  const created = await cli(
    'schedule',
    'create',
    '--run',
    runId,
    // A spec that does not fire during the test (29 February, midnight): only the triggers
    // below start refreshes, so exactly two are counted.
    '--cron',
    '0 0 29 2 *',
    '--count',
    '12',
    '--band',
    '0.2,0.8',
    '--json',
  );
  assert.equal(created.code, 0, created.stderr);
  assert.equal(created.json[0]!.scheduleId, `socratic-refresh-${runId}`);
  const again = await cli('schedule', 'create', '--run', runId, '--every', '1m');
  assert.equal(again.code, 1);
  assert.match(again.stderr, /has a refresh schedule already/);

  const before = JSON.parse((await cli('schedule', 'list', '--json')).stdout) as Row[];
  assert.ok(before.some((s) => s.runId === runId && s.paused === false));
  const described = await cli('schedule', 'describe', '--run', runId, '--json');
  assert.equal(described.code, 0, described.stderr);
  const info = described.json[0] as Row;
  assert.equal((info.memo as Row).runId, runId);
  assert.match(String((info.memo as Row).description), /curriculum refresh/);
  assert.equal(info.overlap, 'SKIP');

  const outcomes: Row[] = [];
  for (let i = 0; i < 2; i++) {
    const triggered = await cli('schedule', 'trigger', '--run', runId, '--wait', '--json');
    assert.equal(triggered.code, 0, `${triggered.stderr}\n${triggered.stdout}`);
    outcomes.push(triggered.json.at(-1)!);
  }
  assert.notEqual(outcomes[0]!.refreshId, outcomes[1]!.refreshId);

  const refreshes = await exportJsonl(config, 'refreshes');
  assert.equal(refreshes.length, 2);
  for (const r of refreshes) {
    assert.equal(r.status, 'completed');
    assert.equal(r.writerRole, 'generator', 'the latest Generator writes');
    assert.match(String(r.writerModel), /^generator-.*-r2$/);
    assert.equal(r.round, 2, 'aimed at the last finished round');
    const counts = r.counts as Record<string, number>;
    assert.equal(counts.planned, 12);
    assert.ok(counts.written! >= counts.admitted! && counts.admitted! >= counts.kept!);
  }

  const problems = await exportJsonl(config, 'problems');
  const attempts = await exportJsonl(config, 'attempts');
  const kept = problems.filter((p) => p.refreshId !== null);
  assert.ok(kept.length > 0, 'the refreshes kept problems');
  const ids = new Set(problems.map((p) => p.id));
  for (const p of kept) {
    assert.equal(p.origin, 'generator');
    assert.match(String(p.writerModel), /^generator-.*-r2$/);
    assert.ok(ids.has(p.parentId), 'lineage: the failed problem it aims at');
    assert.ok(refreshes.some((r) => r.id === p.refreshId));
    const probes = attempts.filter((a) => a.problemId === p.id && a.refreshId === p.refreshId);
    assert.equal(probes.length, 4, 'k probe attempts');
    assert.ok(probes.every((a) => a.pairEligible === false));
    const rate = probes.filter((a) => a.correct).length / probes.length;
    assert.ok(rate >= 0.2 && rate <= 0.8, `${p.id}: success rate ${rate} inside the band`);
  }
  const keptCount = refreshes.reduce((n, r) => n + (r.counts as Record<string, number>).kept!, 0);
  assert.equal(kept.length, keptCount);

  // The next round's set takes them (round 3's fresh problems are those added after round 2).
  const database = await openDatabase({ dataDir: path.join(dir, 'state', 'pgdata') });
  try {
    await selectRoundSet(database.db, { runId, round: 3 }, { seed: 3, replayRatio: 0.25 });
    const next = new Set(await roundProblemIds(database.db, { runId, round: 3 }));
    for (const p of kept) assert.ok(next.has(p.id as string), `${p.id} in round 3's set`);
  } finally {
    await database.close();
  }

  const deleted = await cli('schedule', 'delete', '--run', runId);
  assert.equal(deleted.code, 0, deleted.stderr);
  const listed = JSON.parse((await cli('schedule', 'list', '--json')).stdout) as Row[];
  assert.ok(!listed.some((s) => s.runId === runId), 'the schedule is gone');
  const gone = await cli('schedule', 'trigger', '--run', runId);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /has no refresh schedule/);
  const connection = await Connection.connect({ address: testTemporal().address });
  try {
    const client = new Client({ connection });
    const query = `WorkflowType = "refreshWorkflow" AND ExecutionStatus = "Running" AND TaskQueue = "${taskQueue}"`;
    let running = 1;
    for (let i = 0; i < 20 && running > 0; i++) {
      running = (await client.workflow.count(query)).count;
      if (running > 0) await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(running, 0, 'no refresh of the deleted schedule is left running');
  } finally {
    await connection.close();
  }
});
