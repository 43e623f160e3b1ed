// Benchmark (not a test): answers verified per second on one core, MathRule against
// HuggingFace Math-Verify, over the MATH-500 reference answers against themselves and
// against perturbed forms (first number changed). Run: npx tsx bench/verify.ts [seconds]
//
// Math-Verify is installed from PyPI into .bench/venv (git-ignored) on first run.
// Then both verifiers judge the labelled agreement corpus (test/fixtures/verifier/agreement.jsonl)
// and their agreement with its labels is printed per family.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Agreement,
  type AgreementRecord,
  accuracy,
  agreementByFamily,
  loadAgreementCorpus,
  perturb,
  referenceAnswers,
} from '../verifier/corpus';
import { closeVerifier, VerifierPool, verifySync } from '../verifier/index';

const ROOT = join(__dirname, '..');
const VENV = join(ROOT, '.bench', 'venv');
const PYTHON = join(VENV, 'bin', 'python');
const MATH_VERIFY = 'math-verify==0.9.0';
const SECONDS = Number(process.argv[2] ?? 3);

interface Pair {
  gold: string;
  pred: string;
  /** Whether the pair should verify as equal (self) or different (perturbed). */
  same: boolean;
}

async function pairs(): Promise<Pair[]> {
  const answers = (await referenceAnswers()).math500!;
  const out: Pair[] = answers.map((a) => ({ gold: a, pred: a, same: true }));
  for (const a of answers) {
    const p = perturb(a);
    if (p !== null) out.push({ gold: a, pred: p, same: false });
  }
  return out;
}

/** How many verdicts match the expected outcome, per kind of pair. */
function agreement(ps: Pair[], verdicts: (boolean | null)[]): string {
  let same = 0;
  let diff = 0;
  let nSame = 0;
  ps.forEach((p, i) => {
    if (p.same) {
      nSame++;
      if (verdicts[i] === true) same++;
    } else if (verdicts[i] === false) diff++;
  });
  return `self ${same}/${nSame} equal, perturbed ${diff}/${ps.length - nSame} different`;
}

/** Verifications per second of verifySync over the pairs, repeated for SECONDS. */
function rateInThread(ps: Pair[], seconds = SECONDS): number {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (const p of ps) verifySync(p.gold, p.pred);
    n += ps.length;
  }
  return n / ((performance.now() - t0) / 1000);
}

async function benchOneWorker(ps: Pair[]): Promise<number> {
  const pool = new VerifierPool(1);
  await pool.verify('1', '1'); // start the worker outside the timing
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) {
    await Promise.all(ps.map((p) => pool.verify(p.gold, p.pred)));
    n += ps.length;
  }
  const rate = n / ((performance.now() - t0) / 1000);
  await pool.close();
  return rate;
}

const PY = `
import json, sys, time, warnings, logging
warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)
from math_verify import parse, verify
pairs = json.load(sys.stdin)
seconds = float(sys.argv[1])
def one(g, p):
    return verify(parse("$" + g + "$"), parse("$" + p + "$"))
verdicts = [bool(one(p["gold"], p["pred"])) for p in pairs]
n, t0 = 0, time.perf_counter()
while time.perf_counter() - t0 < seconds:
    for p in pairs:
        one(p["gold"], p["pred"])
    n += len(pairs)
print(json.dumps({"rate": n / (time.perf_counter() - t0), "verdicts": verdicts}))
`;

function ensureMathVerify(): boolean {
  if (existsSync(PYTHON)) return true;
  console.log(`creating ${VENV} and installing ${MATH_VERIFY} from PyPI ...`);
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  try {
    execFileSync('python3', ['-m', 'venv', VENV], { stdio: 'inherit' });
    execFileSync(join(VENV, 'bin', 'pip'), ['install', '--quiet', MATH_VERIFY], {
      stdio: 'inherit',
    });
    return true;
  } catch (e) {
    console.log(`could not install Math-Verify: ${(e as Error).message}`);
    return false;
  }
}

function benchMathVerify(ps: Pair[]): { rate: number; verdicts: boolean[] } | null {
  if (!ensureMathVerify()) return null;
  const script = join(ROOT, '.bench', 'math_verify_bench.py');
  writeFileSync(script, PY);
  // taskset keeps Python on one core where available, as our numbers are for one core.
  const r = spawnSync(PYTHON, [script, String(SECONDS)], {
    input: JSON.stringify(ps),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (r.status !== 0) {
    console.log(`Math-Verify failed: ${r.stderr.slice(-2000)}`);
    return null;
  }
  const lastLine = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(lastLine);
}

// Math-Verify as it is usually called: the reference as LaTeX, the prediction as the model wrote it.
const PY_AGREEMENT = `
import json, sys, warnings, logging
warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)
from math_verify import parse, verify
out = []
for p in json.load(sys.stdin):
    try:
        g = parse(p["gold"] if "\\\\boxed" in p["gold"] else "$" + p["gold"] + "$")
        q = parse(p["pred"])
        if not q:
            q = parse("$" + p["pred"] + "$")
        out.append(bool(verify(g, q)))
    except Exception:
        out.append(None)
print(json.dumps(out))
`;

function mathVerifyVerdicts(records: AgreementRecord[]): (boolean | null)[] | null {
  const script = join(ROOT, '.bench', 'math_verify_agreement.py');
  writeFileSync(script, PY_AGREEMENT);
  const r = spawnSync(PYTHON, [script], {
    input: JSON.stringify(records.map((x) => ({ gold: x.gold, pred: x.pred }))),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (r.status !== 0) {
    console.log(`Math-Verify failed on the agreement corpus: ${r.stderr.slice(-2000)}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const pct = (hit: number, n: number) => `${((100 * hit) / Math.max(1, n)).toFixed(1)}%`;
const cell = (a: Agreement | undefined) =>
  a
    ? `${pct(a.equalHit, a.equal).padStart(6)} ${pct(a.unequalHit, a.unequal).padStart(6)} ${pct(accuracy(a) * (a.equal + a.unequal), a.equal + a.unequal).padStart(6)}`
    : '     -      -      -';

/** Agreement with the corpus labels, MathRule beside Math-Verify, per family. */
function printAgreement(): void {
  const records = loadAgreementCorpus();
  const ours = agreementByFamily(
    records,
    records.map((r) => verifySync(r.gold, r.pred).equal),
  );
  const mvVerdicts = existsSync(PYTHON) ? mathVerifyVerdicts(records) : null;
  const theirs = mvVerdicts ? agreementByFamily(records, mvVerdicts) : null;
  console.log(
    `\nagreement with labels, ${records.length} pairs (equal recognised / unequal rejected / accuracy; unknown counts as a miss)`,
  );
  console.log(
    `${'family'.padEnd(10)} ${'pairs'.padStart(5)}   MathRule               Math-Verify 0.9.0`,
  );
  for (const family of [...new Set(records.map((r) => r.family)), 'all']) {
    const a = ours.get(family)!;
    console.log(
      `${family.padEnd(10)} ${String(a.equal + a.unequal).padStart(5)}   ${cell(a)}   ${theirs ? cell(theirs.get(family)) : 'not run'}`,
    );
  }
}

async function main(): Promise<void> {
  const ps = await pairs();
  console.log(
    `MATH-500: ${ps.length} pairs (${ps.filter((p) => p.same).length} self, ${ps.filter((p) => !p.same).length} perturbed), ${SECONDS} s per run`,
  );
  const verdicts = ps.map((p) => verifySync(p.gold, p.pred).equal);
  const ours = { rate: rateInThread(ps), verdicts };
  console.log(
    `MathRule in-thread (1 core):        ${ours.rate.toFixed(0)} verifications/s; ${agreement(ps, verdicts)}`,
  );
  const self = rateInThread(
    ps.filter((p) => p.same),
    SECONDS / 3,
  );
  const boxed = rateInThread(
    ps
      .filter((p) => p.same)
      .map((p) => ({ ...p, pred: `The final answer is $\\boxed{${p.pred}}$.` })),
    SECONDS / 3,
  );
  const perturbed = rateInThread(
    ps.filter((p) => !p.same),
    SECONDS / 3,
  );
  console.log(
    `  by kind: self ${self.toFixed(0)}/s (identical text), self in a boxed sentence ${boxed.toFixed(0)}/s, perturbed ${perturbed.toFixed(0)}/s`,
  );
  const worker = await benchOneWorker(ps);
  console.log(`MathRule via pool of 1 worker:     ${worker.toFixed(0)} verifications/s`);
  await closeVerifier();
  const mv = benchMathVerify(ps);
  if (!mv) return printAgreement();
  console.log(
    `Math-Verify 0.9.0 (Python, 1 core): ${mv.rate.toFixed(0)} verifications/s; ${agreement(ps, mv.verdicts)}`,
  );
  console.log(
    `ratio MathRule/Math-Verify: in-thread ${(ours.rate / mv.rate).toFixed(1)}x, one worker ${(worker / mv.rate).toFixed(1)}x`,
  );
  const disagree = ps.filter((_, i) => ours.verdicts[i] !== mv.verdicts[i]);
  console.log(`pairs where the two disagree: ${disagree.length}`);
  for (const p of disagree.slice(0, 10))
    console.log(
      `  ${p.same ? 'self' : 'perturbed'}: ${JSON.stringify(p.gold)} vs ${JSON.stringify(p.pred)}`,
    );
  printAgreement();
}

void main();
