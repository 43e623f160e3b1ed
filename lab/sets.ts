// The lab's seed curriculum and held-out evaluation set, as MATH-like JSONL.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../system/files';
import { MAX_DIFFICULTY, TOPICS } from './form';
import { generateProblem, type Problem } from './problems';
import { Rng } from './rng';

/** The evaluation set avoids this many seed problems, so any seed set up to this size is disjoint from it. */
export const SEED_POOL = 1000;

/** Draws for one new statement before a (topic, difficulty) counts as used up. */
const MAX_ATTEMPTS = 2000;

/** n distinct problems; problem i depends only on (seed, stream, i, earlier problems), so a set's prefix is stable. */
function problemSet(
  seed: number,
  stream: string,
  n: number,
  exclude: Set<string> = new Set(),
): Problem[] {
  const seen = new Set(exclude);
  const problems: Problem[] = [];
  for (let i = 0; i < n; i++) {
    // Topics round-robin, difficulties 1..5 in turn: every (topic, difficulty) pair every 35 problems.
    const topic = TOPICS[i % TOPICS.length]!;
    const difficulty = 1 + (Math.floor(i / TOPICS.length) % MAX_DIFFICULTY);
    for (let attempt = 0; ; attempt++) {
      // A topic and difficulty has only so many distinct statements: say so, do not spin.
      if (attempt === MAX_ATTEMPTS)
        throw new RangeError(
          `the lab cannot make ${n} distinct ${stream} problems: it ran out of new ${topic} problems of difficulty ${difficulty} at problem ${i + 1} (use fewer, e.g. lab.seedProblems ≤ ${Math.floor(i / 1000) * 1000 || i})`,
        );
      const problem = generateProblem(topic, difficulty, new Rng(seed, stream, i, attempt));
      if (seen.has(problem.text)) continue;
      seen.add(problem.text);
      problems.push(problem);
      break;
    }
  }
  return problems;
}

export function labSeedSet(seed: number, n = 100): Problem[] {
  return problemSet(seed, 'lab-seeds', n);
}

/** Held out: shares no statement with the first SEED_POOL seed problems. */
export function labEvalSet(seed: number, n = 200): Problem[] {
  const seeds = new Set(labSeedSet(seed, Math.max(SEED_POOL, 0)).map((p) => p.text));
  return problemSet(seed, 'lab-eval', n, seeds);
}

/** One MATH-like record: `type` is the topic, `level` the difficulty 1–5. */
export function toRecord(problem: Problem): {
  problem: string;
  answer: string;
  type: string;
  level: number;
  solution: string;
} {
  return {
    problem: problem.text,
    answer: problem.answer,
    type: problem.topic,
    level: problem.difficulty,
    solution: `${problem.steps.join(' ')} The answer is $\\boxed{${problem.answer}}$.`,
  };
}

/** Writes only when the content differs, atomically: re-running leaves files (and mtimes) alone. */
function writeIfChanged(path: string, content: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === content) return;
  writeFileAtomicSync(path, content);
}

export function writeLabSets(
  dir: string,
  opts: { seed: number; seedProblems?: number; evalProblems?: number },
): { seeds: string; eval: string } {
  mkdirSync(dir, { recursive: true });
  const jsonl = (problems: Problem[]) =>
    problems.map((p) => `${JSON.stringify(toRecord(p))}\n`).join('');
  const paths = { seeds: join(dir, 'seeds.jsonl'), eval: join(dir, 'eval.jsonl') };
  writeIfChanged(paths.seeds, jsonl(labSeedSet(opts.seed, opts.seedProblems ?? 100)));
  writeIfChanged(paths.eval, jsonl(labEvalSet(opts.seed, opts.evalProblems ?? 200)));
  return paths;
}
