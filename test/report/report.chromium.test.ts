// The run report and the metrics endpoint, on a real 2-round lab run: the report renders
// in headless Chromium with every chart drawn, and shows the same figures as
// `socratic export`; /metrics answers during the run with our metrics and the SDK's.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { findFreePort } from '../../temporal/free-port';
import { events, exportJsonl, runCli, spawnCli, tempDir, writeSmallConfig } from '../support/cli';
import { testTemporal } from '../support/temporal';

const CHROMIUM = process.env.CHROMIUM ?? 'chromium';
const CHARTS = [
  'accuracy',
  'zones',
  'success-rates',
  'curriculum',
  'admissions',
  'pairs',
  'training',
  'tokens',
  'cost',
  'stages',
];

async function chromium(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${tempDir('chromium-')}`,
      ...args,
    ],
    { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
  );
  return stdout;
}

/** The cells of `<table data-figure="name">`, row by row. */
function tableRows(html: string, name: string): string[][] {
  const table = new RegExp(`<table data-figure="${name}">([\\s\\S]*?)</table>`).exec(html);
  assert.ok(table, `the report has a ${name} table`);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table[1]!)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]!),
  );
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

test('report and metrics of a 2-round lab run', { timeout: 600_000 }, async () => {
  const dir = tempDir();
  const metricsPort = await findFreePort();
  const config = writeSmallConfig(
    dir,
    `temporal:\n  taskQueue: report-test\nmetrics:\n  address: 127.0.0.1:${metricsPort}\nprices:\n  lab-teacher: { input: 2, output: 8 }\n  lab-solver: { input: 0.1, output: 0.4 }\n`,
  );
  const run = spawnCli(['run', '--config', config, '--json'], {
    TEMPORAL_ADDRESS: testTemporal().address,
  });

  // Scrape while the run works, until paid requests and the SDK's own metrics show.
  let scraped = '';
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline && run.exitCode === null) {
    scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
      .then((r) => r.text())
      .catch(() => '');
    if (
      /socratic_llm_requests_total\{[^}]*outcome="paid"[^}]*\} [1-9]/.test(scraped) &&
      /^temporal_/m.test(scraped)
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const result = await run.output;
  assert.equal(result.code, 0, `run failed:\n${result.stderr}\n${result.stdout.slice(-2000)}`);
  assert.match(
    scraped,
    /socratic_llm_requests_total\{[^}]*role="solver"[^}]*outcome="paid"[^}]*\} [1-9]/,
  );
  assert.match(scraped, /socratic_llm_tokens_total\{[^}]*kind="completion"[^}]*\} [1-9]/);
  assert.match(scraped, /^temporal_\w+/m, 'the SDK runtime metrics are served at the same address');

  // The run kept its own report up to date.
  const runId = (events(result.stdout).find((e) => e.runId) as { runId: string }).runId;
  const kept = path.join(dir, 'state', 'reports', `${runId}.html`);
  assert.ok(existsSync(kept), 'the run wrote its report');
  const status = await runCli(['status', '--config', config]);
  assert.match(status.stdout, new RegExp(`report: .*${runId}\\.html`));

  const out = path.join(dir, 'report.html');
  const made = await runCli(['report', '--config', config, '--out', out]);
  assert.equal(made.code, 0, made.stderr);

  const png = path.join(dir, 'report.png');
  await chromium([
    '--hide-scrollbars',
    '--window-size=1400,2400',
    `--screenshot=${png}`,
    `file://${out}`,
  ]);
  assert.ok(statSync(png).size > 50_000, 'the screenshot shows a page, not a blank');
  const dom = await chromium(['--dump-dom', `file://${out}`]);

  for (const id of CHARTS) {
    const figure = new RegExp(`<figure data-chart="${id}"[^>]*>([\\s\\S]*?)</figure>`).exec(dom);
    assert.ok(figure, `chart ${id} is present`);
    assert.doesNotMatch(figure[1]!, /no data yet/, `chart ${id} has data`);
    const marks = (figure[1]!.match(/<path/g) ?? []).length;
    assert.ok(marks > 3, `chart ${id} draws marks (${marks})`);
  }

  const evaluations = await exportJsonl(config, 'evaluations');
  assert.deepEqual(
    tableRows(dom, 'accuracy'),
    evaluations.map((e) => [
      String(e.round),
      String(e.benchmark),
      String(e.samples),
      String(e.problems),
      pct(e.accuracy as number),
      pct((e.undecided as number) / ((e.problems as number) * (e.samples as number))),
    ]),
  );

  const pairs = await exportJsonl(config, 'pairs');
  const pairCounts = new Map<string, number>();
  for (const p of pairs) {
    const key = `${p.round}|${p.chosenAttemptId === null ? 'reference-chosen' : 'cartesian'}`;
    pairCounts.set(key, (pairCounts.get(key) ?? 0) + 1);
  }
  const shownPairs = tableRows(dom, 'pairs');
  assert.equal(shownPairs.length, pairCounts.size);
  for (const [round, kind, count] of shownPairs)
    assert.equal(
      Number(count),
      pairCounts.get(`${round}|${kind}`),
      `pairs of round ${round}, ${kind}`,
    );

  const problems = await exportJsonl(config, 'problems');
  for (const [round, origin, count] of tableRows(dom, 'curriculum')) {
    const active = problems.filter(
      (p) =>
        p.origin === origin &&
        (p.roundCreated as number) <= Number(round) &&
        (p.droppedRound === null || (p.droppedRound as number) > Number(round)),
    );
    assert.equal(Number(count), active.length, `active ${origin} problems after round ${round}`);
  }
  assert.equal(
    tableRows(dom, 'lineage').length,
    problems.length,
    'every problem in the lineage table',
  );
});
