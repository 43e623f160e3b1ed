// Reference answers of the benchmark file formats (MATH-500, GSM8K, AIME24, AMC23, Minerva,
// OlympiadBench), for the corpus test and the benchmark.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractBoxed } from './extract';

/** The shared benchmark files, next to the repository (never copied into it). */
export const BENCH_DIR = join(__dirname, '..', '..', 'shared', 'data', 'bench');

const jsonl = (dir: string, file: string): Record<string, unknown>[] =>
  readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));

/** Reference answers per benchmark, as each file stores them. */
export function referenceAnswers(dir: string = BENCH_DIR): Record<string, string[]> {
  const math500 = JSON.parse(readFileSync(join(dir, 'math500.json'), 'utf8')) as {
    answer: string;
  }[];
  return {
    math500: math500.map((r) => r.answer),
    gsm8k: jsonl(dir, 'gsm8k_test.jsonl').map((r) => String(r.answer).split('####').pop()!.trim()),
    aime24: jsonl(dir, 'aime24.jsonl').map((r) => String(r.answer)),
    amc23: jsonl(dir, 'amc23.jsonl').map((r) => String(r.answer)),
    minerva: jsonl(dir, 'minerva_math.jsonl').map((r) => extractBoxed(String(r.solution)) ?? ''),
    olympiadbench: jsonl(dir, 'olympiadbench.jsonl').map((r) =>
      (r.final_answer as string[]).join(', '),
    ),
  };
}

/** The answer with its first number changed (n → n + 1), or null when it holds no digit. */
export function perturb(answer: string): string | null {
  const m = /\d+/.exec(answer);
  if (!m) return null;
  const next = String(BigInt(m[0]) + 1n).padStart(m[0].length, '0');
  return answer.slice(0, m.index) + next + answer.slice(m.index + m[0].length);
}
