// Issue 10, "Done when": a short lab round against a vLLM-compatible stand-in that
// misbehaves at random (429 with Retry-After, 500, hangs, truncated bodies, empty or too
// few choices, NULs and lone surrogates in content and inside JSON fields, a 1 MB reply,
// a fence followed by 100 kB of whitespace, usage of 1e309). The round completes, no
// answered request is paid for twice beyond the in-flight bound, no row holds a NUL, and
// the refused replies are in reply_rejections, readable with `socratic export`.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { openDatabase } from '../../db/client';
import * as schema from '../../db/schema';
import { cleanText } from '../../prompts/replies';
import { findFreePort } from '../../temporal/free-port';
import { events, exportJsonl, runCli, tempDir } from '../support/cli';
import { FAULTS, type Fault, startFaultServer } from '../support/fault-server';
import { testTemporal } from '../support/temporal';

/** Every string inside a value (rows, with their JSON columns). */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

/** Every fault but a refused key, which must stop a run (it cannot heal). */
const INJECTED = FAULTS.filter((f) => f !== 'unauthorized');
const CONCURRENCY = { solver: 8, teacher: 4, generator: 4 };

test('a lab round against a faulty endpoint completes, pays once and stores clean text', {
  timeout: 600_000,
}, async () => {
  const dir = tempDir();
  const labPort = await findFreePort();
  const faults = await startFaultServer({
    upstream: `http://127.0.0.1:${labPort}/v1`,
    rates: Object.fromEntries(INJECTED.map((f) => [f, 0.02])) as Record<Fault, number>,
    once: [...INJECTED],
    seed: 11,
  });
  after(() => faults.close());
  const role = (name: keyof typeof CONCURRENCY) =>
    `  ${name}: { baseUrl: "${faults.url}", concurrency: ${CONCURRENCY[name]}, timeoutSeconds: 3, maxRetries: 4 }`;
  const config = path.join(dir, 'socratic.yaml');
  writeFileSync(
    config,
    `stateDir: ./state
rounds: 1
seed: 5
roles:
${role('solver')}
${role('teacher')}
${role('generator')}
loop:
  k: 4
  batchSize: 8
lab:
  port: ${labPort}
  seedProblems: 24
  evalProblems: 24
  malformedJsonRate: 0.05
evaluation:
  samples: 2
temporal:
  taskQueue: loop-faults-test
`,
  );

  const result = await runCli(['run', '--config', config, '--json'], {
    TEMPORAL_ADDRESS: testTemporal().address,
  });
  assert.equal(result.code, 0, `run failed:\n${result.stderr}\n${result.stdout.slice(-3000)}`);
  const done = events(result.stdout).find((e) => e.event === 'done') as {
    status: string;
    rounds: { teacherOnlyShare: number }[];
  };
  assert.equal(done.status, 'completed');
  const share = done.rounds[0]!.teacherOnlyShare;
  assert.ok(share >= 0 && share <= 1, `the share of Teacher-only verdicts is reported (${share})`);

  // Every kind of fault was served at least once.
  const served = new Set(faults.log.map((e) => e.fault));
  for (const fault of INJECTED) assert.ok(served.has(fault), `${fault} was injected`);

  // A request answered cleanly was not paid for again (beyond what was in flight at a retry).
  const cleanAnswers = new Map<string, number>();
  for (const e of faults.log)
    if (e.paid && e.fault === null) cleanAnswers.set(e.key, (cleanAnswers.get(e.key) ?? 0) + 1);
  const paidAgain = [...cleanAnswers.values()].reduce((a, n) => a + n - 1, 0);
  const bound = Object.values(CONCURRENCY).reduce((a, b) => a + b, 0);
  assert.ok(paidAgain <= bound, `${paidAgain} answered requests were paid for again`);
  console.log(
    `# ${faults.log.length} requests, ${faults.log.filter((e) => e.fault).length} faults, ${paidAgain} paid again`,
  );

  // No row of any table holds a NUL or a lone surrogate.
  const database = await openDatabase({ dataDir: path.join(dir, 'state', 'pgdata') });
  try {
    for (const table of Object.values(schema)) {
      if (!is(table, PgTable)) continue;
      const rows = await database.db.select().from(table);
      const strings = stringsIn(rows);
      assert.ok(!strings.some((t) => t.includes('\u0000')), `${getTableName(table)} holds a NUL`);
      assert.ok(
        !strings.some((t) => cleanText(t) !== t.replaceAll('\u0000', '')),
        `${getTableName(table)} holds a lone surrogate`,
      );
    }
  } finally {
    await database.close();
  }

  // The refused responses and replies, with their reasons, through the CLI.
  const rejections = await exportJsonl(config, 'rejections');
  const reasons = rejections.map((r) => String(r.error));
  assert.ok(reasons.every((r) => r.length > 0));
  assert.ok(
    reasons.some((r) => /no choices/.test(r)),
    'empty choices recorded',
  );
  assert.ok(
    reasons.some((r) => /body ended early|body is not JSON/.test(r)),
    'truncated body',
  );
  assert.ok(
    reasons.some((r) => /reply is not JSON/.test(r)),
    'unparseable replies recorded',
  );
});
