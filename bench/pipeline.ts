// Benchmark (not a test): the pipeline's sampling throughput against a bare `openai` loop at
// the same concurrency and the same endpoint, and the events each round workflow execution
// holds (issue 11). Run: npm run bench:pipeline -- [--problems 2000,10000] [--requests 2000]
//   [--latency-ms 50] [--concurrency 32] [--k 8] [--cpu-prof DIR]
// With DATABASE_URL set, the pipeline's run uses that PostgreSQL database instead of PGlite.
//
// A stand-in OpenAI-compatible endpoint with fixed latency runs in its own process (the
// simulated lab, `socratic lab serve`), so Teacher stages work too. For each problem count:
// (a) a bare loop of R requests, `concurrency` in flight, n = k, the Solver's model and solve
// prompt over the lab's seed problems; (b) a real 1-round `socratic run` through the CLI on
// those seeds (fresh state, minimal evaluation, the lab trainer), its sample stage's
// duration and paid requests read from the database, and from Temporal the history length
// of the round workflow and of every child execution under it.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { and, between, count, desc, eq } from 'drizzle-orm';
import OpenAI from 'openai';
import { Config } from '../config/schema';
import { openDatabase } from '../db/client';
import { llmCalls, runs, stages } from '../db/schema';
import {
  generateProblem,
  MAX_DIFFICULTY,
  MIN_DIFFICULTY,
  type Problem,
  TOPICS,
} from '../lab/problems';
import { Rng } from '../lab/rng';
import { toRecord } from '../lab/sets';
import { solvePrompt } from '../prompts';
import { readProcStat } from '../system/processes';
import { ensureDevServer, stopDevServer } from '../temporal/dev-server';
import { roundWorkflowId } from '../workflows/ids';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'socratic.js');

const { values } = parseArgs({
  options: {
    problems: { type: 'string', default: '2000,10000' },
    requests: { type: 'string', default: '2000' },
    'latency-ms': { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '32' },
    k: { type: 'string', default: '8' },
    /** Writes the CLI worker's CPU profile (node --cpu-prof) into this folder. */
    'cpu-prof': { type: 'string' },
    /** loop.batchSize of the run (default: the config's default). */
    'batch-size': { type: 'string' },
    /** Keeps the temporary folder (state, lab log) for a look afterwards. */
    keep: { type: 'boolean', default: false },
    /** Internal: this process only runs a bare loop against this URL (cold, see bareCold). */
    'bare-child': { type: 'string' },
    /** Internal: with --bare-child, the seeds file whose texts it asks about. */
    seeds: { type: 'string' },
  },
});
const positive = (name: string, text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`--${name}: expected a whole number > 0, got ${text}`);
  return n;
};
const PROBLEMS = values.problems.split(',').map((p) => positive('problems', p.trim()));
const REQUESTS = positive('requests', values.requests);
const LATENCY_MS = Number(values['latency-ms']);
const CONCURRENCY = positive('concurrency', values.concurrency);
const K = positive('k', values.k);
const defaults = Config.parse({});
const SOLVER_MODEL = defaults.roles.solver.model;
const LAB_SEED = defaults.lab.seed;

/**
 * n distinct lab problems, topics and levels in turn like the lab's seed set. That set's
 * strict round-robin runs out of new statements for some topic and level past about 5,000
 * problems (labSeedSet never returns then); here such a cell is skipped instead.
 */
function distinctProblems(n: number): Problem[] {
  const cells = TOPICS.flatMap((topic) =>
    Array.from({ length: MAX_DIFFICULTY - MIN_DIFFICULTY + 1 }, (_, d) => ({
      topic,
      difficulty: MIN_DIFFICULTY + d,
    })),
  );
  const seen = new Set<string>();
  const exhausted = new Set<number>();
  const problems: Problem[] = [];
  for (let i = 0; problems.length < n; i++) {
    if (exhausted.size === cells.length)
      throw new Error(`the lab makes only ${problems.length} distinct problems`);
    const cell = i % cells.length;
    if (exhausted.has(cell)) continue;
    const { topic, difficulty } = cells[cell]!;
    let found = false;
    for (let attempt = 0; attempt < 200 && !found; attempt++) {
      const problem = generateProblem(topic, difficulty, new Rng(LAB_SEED, 'bench', i, attempt));
      if (seen.has(problem.text)) continue;
      seen.add(problem.text);
      problems.push(problem);
      found = true;
    }
    if (!found) exhausted.add(cell);
  }
  return problems;
}

/** Starts `socratic lab serve` in its own process; resolves with its base URL. */
async function startEndpoint(stateDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [BIN, 'lab', 'serve', '--port', '0', '--seed', String(LAB_SEED)]
      .concat(['--latency-ms', String(LATENCY_MS), '--state-dir', stateDir])
      // Faults off: both sides must see the same clean endpoint.
      .concat(['--malformed-json-rate', '0', '--judge-error-rate', '0']),
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('http'));
      if (line) resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`lab serve exited with ${code}`)));
  });
  return { url, child };
}

/**
 * Requests per second over the middle 80% of completions (from the 10th to the 90th
 * percentile of their times): the steady rate, without the ramp-up (a worker's code still
 * compiling, the first cache reads) and the tail, measured alike on both sides.
 */
function steadyRate(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  const first = Math.floor(sorted.length * 0.1);
  const last = Math.ceil(sorted.length * 0.9) - 1;
  return (last - first) / ((sorted[last]! - sorted[first]!) / 1000);
}

/** A bare loop of `requests` solve requests, CONCURRENCY in flight: whole and steady rate. */
async function bareLoop(
  url: string,
  problems: string[],
  requests: number,
): Promise<{ rate: number; steady: number }> {
  const client = new OpenAI({ baseURL: url, apiKey: 'not-needed', maxRetries: 0 });
  const { temperature } = defaults.tasks.solve;
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < requests; i = next++) {
      const reply = await client.chat.completions.create({
        model: SOLVER_MODEL,
        messages: solvePrompt(problems[i % problems.length]!),
        n: K,
        temperature,
        max_tokens: defaults.roles.solver.maxTokens,
        seed: 1000 + i,
      });
      if (reply.choices.length !== K) throw new Error(`expected ${K} choices`);
      done.push(performance.now());
    }
  };
  const done: number[] = [];
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return { rate: requests / ((performance.now() - t0) / 1000), steady: steadyRate(done) };
}

/**
 * The bare loop in a fresh process, so its code starts cold as the pipeline's worker does
 * (the in-process loop is measured after a warm-up): the like-for-like figure for a short
 * stage, where the worker's first seconds weigh.
 */
async function bareCold(
  url: string,
  seeds: string,
  requests: number,
): Promise<{ rate: number; steady: number }> {
  const args = ['--import', 'tsx', __filename, '--bare-child', url, '--seeds', seeds]
    .concat(['--requests', String(requests), '--concurrency', String(CONCURRENCY)])
    .concat(['--k', String(K)]);
  const out = await runNode(args, {}, 'the cold bare loop');
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

function writeBenchConfig(dir: string, url: string, seeds: string, evalSet: string, n: number) {
  const file = path.join(dir, 'socratic.yaml');
  const role = `{ baseUrl: "${url}", concurrency: ${CONCURRENCY} }`;
  writeFileSync(
    file,
    `stateDir: ${JSON.stringify(path.join(dir, 'state'))}
rounds: 1
seed: 1
roles:
  solver: ${role}
  teacher: ${role}
  generator: ${role}
loop:
  seeds: ${JSON.stringify(seeds)}
  k: ${K}
${values['batch-size'] ? `  batchSize: ${positive('batch-size', values['batch-size'])}\n` : ''}evaluation:
  benchmarks: [{ name: bench, path: ${JSON.stringify(evalSet)} }]
  maxProblems: 4
  samples: 1
  teacherFallback: false
temporal:
  taskQueue: bench-${n}-${process.pid}-${Date.now()}
`,
  );
  return file;
}

/** Runs node with `args` and returns its stdout; fails, with its stderr's tail, unless it exits 0. */
async function runNode(
  args: string[],
  env: NodeJS.ProcessEnv,
  what: string,
  onSpawn: (pid: number) => void = () => {},
) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid) onSpawn(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${what} exited with ${code}:\n${stderr.slice(-4000)}`);
  return stdout;
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/**
 * CPU time of processes (all their threads), read every 100 ms, so that a window known only
 * afterwards (the sample stage's, from the database) can be charged to each.
 */
class CpuSampler {
  private readonly samples: { at: number; ticks: Map<number, number> }[] = [];
  private readonly timer = setInterval(() => this.take(), 100);
  private readonly pids = new Set<number>();

  watch(pid: number) {
    this.pids.add(pid);
    this.take();
  }

  /** CPU seconds `pid` used from `from` to `to` (epoch ms), within the sampling step. */
  seconds(pid: number, from: number, to: number): number {
    const at = (time: number, pick: 'last' | 'first') => {
      const known = this.samples.filter((s) => s.ticks.has(pid));
      const found =
        pick === 'last'
          ? known.filter((s) => s.at <= time).at(-1)
          : known.find((s) => s.at >= time);
      return (found ?? (pick === 'last' ? known[0] : known.at(-1)))?.ticks.get(pid) ?? 0;
    };
    return (at(to, 'first') - at(from, 'last')) / TICKS_PER_SECOND;
  }

  stop() {
    clearInterval(this.timer);
  }

  private take() {
    const ticks = new Map<number, number>();
    for (const pid of this.pids) {
      const entry = readProcStat(pid);
      if (entry) ticks.set(pid, entry.cpuTicks);
    }
    this.samples.push({ at: Date.now(), ticks });
  }
}

/** History length of the round workflow and of every child execution under it, recursively. */
async function historyLengths(client: Client, workflowId: string): Promise<Map<string, number>> {
  const lengths = new Map<string, number>();
  const visit = async (id: string, runId?: string) => {
    const history = await client.workflow.getHandle(id, runId).fetchHistory();
    const events = history.events ?? [];
    lengths.set(runId ? `${id}/${runId}` : id, events.length);
    for (const event of events) {
      const started = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
      if (started?.workflowId) await visit(started.workflowId, started.runId ?? undefined);
    }
  };
  await visit(workflowId);
  return lengths;
}

interface Point {
  problems: number;
  bare: number;
  pipeline: number;
  /** The bare loop's rate in a fresh process (bareCold). */
  bareCold: number;
  /** The same over the middle 80% of requests (steadyRate). */
  bareSteady: number;
  pipelineSteady: number;
  sampleSeconds: number;
  paid: number;
  executions: number;
  maxEvents: number;
  roundEvents: number;
  /** CPU milliseconds per request: the bare loop's client and endpoint; the pipeline's. */
  cpu: {
    bareClient: number;
    bareEndpoint: number;
    worker: number;
    endpoint: number;
    temporal: number;
  };
}

/** What every measurement shares: the endpoint and Temporal server, and the CPU sampler. */
interface Bench {
  work: string;
  endpoint: { url: string; pid: number };
  temporal: { address: string; pid: number };
  client: Client;
  /** Watches this process, the endpoint and the Temporal server; measure() adds each worker. */
  cpu: CpuSampler;
}

async function measure(
  { work, endpoint, temporal, client, cpu }: Bench,
  n: number,
): Promise<Point> {
  const { url } = endpoint;
  const dir = path.join(work, `n${n}`);
  mkdirSync(dir, { recursive: true });
  const problems = distinctProblems(n);
  const seeds = path.join(dir, 'seeds.jsonl');
  writeFileSync(seeds, problems.map((p) => `${JSON.stringify(toRecord(p))}\n`).join(''));
  const config = writeBenchConfig(dir, url, seeds, path.join(work, 'lab', 'eval.jsonl'), n);

  // The bare loop runs before and after the pipeline, and counts with their mean: the load
  // of a shared machine drifts over minutes.
  const requests = Math.min(REQUESTS, n);
  const texts = problems.map((p) => p.text);
  const bareCpu = { client: 0, endpoint: 0 };
  const bareRun = async (when: string) => {
    console.log(
      `[${n}] bare loop ${when}: ${requests} requests, ${CONCURRENCY} in flight, n = ${K}`,
    );
    const from = Date.now();
    const { rate, steady } = await bareLoop(url, texts, requests);
    const to = Date.now();
    await sleep(150); // a CPU sample after the end
    // Halved: the figure is the mean of the runs before and after the pipeline.
    bareCpu.client += cpu.seconds(process.pid, from, to) / (2 * requests);
    bareCpu.endpoint += cpu.seconds(endpoint.pid, from, to) / (2 * requests);
    console.log(
      `[${n}] bare loop ${when}: ${rate.toFixed(1)} requests/s (steady ${steady.toFixed(1)})`,
    );
    return { rate, steady };
  };
  // Unmeasured: the endpoint's and this process's code warm up (JIT) first.
  await bareLoop(url, texts, Math.min(500, requests));
  const bareBefore = await bareRun('before');
  const cold = await bareCold(url, seeds, requests);
  console.log(
    `[${n}] bare loop in a fresh process: ${cold.rate.toFixed(1)} requests/s (steady ${cold.steady.toFixed(1)})`,
  );

  console.log(`[${n}] pipeline: socratic run, 1 round`);
  const nodeArgs = values['cpu-prof']
    ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(values['cpu-prof'])]
    : [];
  const started = performance.now();
  const startedAt = Date.now();
  let workerPid = 0;
  await runNode(
    [...nodeArgs, BIN, 'run', '--config', config, '--json'],
    { TEMPORAL_ADDRESS: temporal.address },
    'socratic run',
    (pid) => {
      workerPid = pid;
      cpu.watch(pid);
    },
  );
  console.log(`[${n}] pipeline: run took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const bareAfter = await bareRun('after');
  const bare = (bareBefore.rate + bareAfter.rate) / 2;
  const bareSteady = (bareBefore.steady + bareAfter.steady) / 2;

  // With DATABASE_URL set, the run goes to that PostgreSQL database (the newest run there).
  const handle = await openDatabase({
    url: process.env.DATABASE_URL,
    dataDir: path.join(dir, 'state', 'pgdata'),
  });
  try {
    const { db } = handle;
    const [run] = await db
      .select({ id: runs.id })
      .from(runs)
      .orderBy(desc(runs.createdAt))
      .limit(1);
    if (!run) throw new Error('no run in the database');
    const [sample] = await db
      .select()
      .from(stages)
      .where(and(eq(stages.runId, run.id), eq(stages.round, 1), eq(stages.stage, 'sample')));
    if (!sample?.startedAt || !sample.finishedAt) throw new Error('no sample stage record');
    const sampleSeconds = (sample.finishedAt.getTime() - sample.startedAt.getTime()) / 1000;
    const offset = (at: Date) => ((at.getTime() - startedAt) / 1000).toFixed(1);
    console.log(
      `[${n}] sample stage from +${offset(sample.startedAt)} s to +${offset(sample.finishedAt)} s after the CLI started`,
    );
    const detail = sample.detail as Record<string, number>;
    // Paid solver calls of round 1: the sample stage's, plus the few of round 1's evaluation.
    const [calls] = await db
      .select({ n: count() })
      .from(llmCalls)
      .where(and(eq(llmCalls.runId, run.id), eq(llmCalls.role, 'solver'), eq(llmCalls.round, 1)));
    const paid = detail.requests ?? calls?.n ?? 0;
    console.log(
      `[${n}] sample stage: ${sampleSeconds.toFixed(1)} s, ${paid} paid requests (llm_calls solver round 1: ${calls?.n})`,
    );
    const [from, to] = [sample.startedAt.getTime(), sample.finishedAt.getTime()];
    // When each paid call of the stage was stored (its group's commit).
    const stored = await db
      .select({ at: llmCalls.createdAt })
      .from(llmCalls)
      .where(
        and(
          eq(llmCalls.runId, run.id),
          eq(llmCalls.role, 'solver'),
          eq(llmCalls.round, 1),
          between(llmCalls.createdAt, sample.startedAt, sample.finishedAt),
        ),
      );
    const pipelineSteady = steadyRate(stored.map((row) => row.at.getTime()));
    const perRequest = (pid: number) => (cpu.seconds(pid, from, to) * 1000) / paid;
    const cpuUse = {
      bareClient: bareCpu.client * 1000,
      bareEndpoint: bareCpu.endpoint * 1000,
      worker: perRequest(workerPid),
      endpoint: perRequest(endpoint.pid),
      temporal: perRequest(temporal.pid),
    };
    console.log(
      `[${n}] CPU ms per request: bare loop client ${cpuUse.bareClient.toFixed(2)}, endpoint ${cpuUse.bareEndpoint.toFixed(2)}; pipeline worker ${cpuUse.worker.toFixed(2)}, endpoint ${cpuUse.endpoint.toFixed(2)}, Temporal server ${cpuUse.temporal.toFixed(2)}`,
    );
    const lengths = await historyLengths(client, roundWorkflowId(run.id, 1));
    const roundEvents = lengths.get(roundWorkflowId(run.id, 1)) ?? 0;
    console.log(
      `[${n}] histories: round ${roundEvents} events, ${lengths.size - 1} child executions`,
    );
    return {
      problems: n,
      bare,
      bareCold: cold.rate,
      pipeline: paid / sampleSeconds,
      bareSteady,
      pipelineSteady,
      sampleSeconds,
      paid,
      executions: lengths.size,
      maxEvents: Math.max(...lengths.values()),
      roundEvents,
      cpu: cpuUse,
    };
  } finally {
    await handle.close();
  }
}

function table(points: Point[]): string {
  const rows = [
    [
      'problems',
      'bare req/s',
      'pipeline req/s',
      'ratio',
      'steady ratio',
      'ratio to a cold bare loop',
      'sample s',
      'executions',
      'events/execution (max)',
      'CPU ms/req bare (client+endpoint)',
      'CPU ms/req pipeline (worker+endpoint+temporal)',
    ],
    ...points.map((p) => [
      String(p.problems),
      p.bare.toFixed(1),
      p.pipeline.toFixed(1),
      (p.pipeline / p.bare).toFixed(2),
      `${(p.pipelineSteady / p.bareSteady).toFixed(2)} (${p.pipelineSteady.toFixed(0)}/${p.bareSteady.toFixed(0)})`,
      `${(p.pipeline / p.bareCold).toFixed(2)} (${p.bareCold.toFixed(0)})`,
      p.sampleSeconds.toFixed(1),
      String(p.executions),
      String(p.maxEvents),
      `${p.cpu.bareClient.toFixed(2)}+${p.cpu.bareEndpoint.toFixed(2)}`,
      `${p.cpu.worker.toFixed(2)}+${p.cpu.endpoint.toFixed(2)}+${p.cpu.temporal.toFixed(2)}`,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padStart(widths[i]!)).join('  ')).join('\n');
}

/** --bare-child: one bare loop, its rates printed as JSON. */
async function bareChild(url: string) {
  const texts = readFileSync(values.seeds!, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { problem: string }).problem);
  console.log(JSON.stringify(await bareLoop(url, texts, REQUESTS)));
}

async function main() {
  if (values['bare-child']) return bareChild(values['bare-child']);
  const work = mkdtempSync(path.join(os.tmpdir(), 'socratic-bench-'));
  console.log(`work folder: ${work}`);
  // The CLI runs from dist/: bring it up to date first.
  await new Promise<void>((resolve, reject) =>
    spawn(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], { stdio: 'inherit' }).on(
      'close',
      (code) => (code === 0 ? resolve() : reject(new Error(`build exited with ${code}`))),
    ),
  );
  const endpoint = await startEndpoint(path.join(work, 'lab'));
  console.log(`endpoint: ${endpoint.url} (${LATENCY_MS} ms latency)`);
  const temporalDir = path.join(work, 'temporal');
  const server = await ensureDevServer(temporalDir, { onProgress: (m) => console.log(m) });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const bench: Bench = {
    work,
    endpoint: { url: endpoint.url, pid: endpoint.child.pid! },
    temporal: { address: server.address, pid: server.pid },
    client,
    cpu: new CpuSampler(),
  };
  for (const pid of [process.pid, bench.endpoint.pid, bench.temporal.pid]) bench.cpu.watch(pid);
  const points: Point[] = [];
  try {
    for (const n of PROBLEMS) {
      points.push(await measure(bench, n));
      console.log(`\n${table(points)}\n`);
    }
  } finally {
    bench.cpu.stop();
    await connection.close();
    await stopDevServer(temporalDir);
    endpoint.child.kill('SIGTERM');
    if (!values.keep) rmSync(work, { recursive: true, force: true });
  }
  console.log('goal (issue 11): ratio >= 0.95, events per execution <= 2,000 at 10,000 problems');
  console.log(table(points));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
