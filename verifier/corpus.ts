// Reference answers of the benchmark files (MATH-500, GSM8K, AIME24, AMC23, Minerva,
// OlympiadBench), read by the project's problem-file loader, for the corpus test and the benchmark.

import { join } from 'node:path';
import { loadProblemFile } from '../data/problem-file';
import { SHARED_DATA } from '../data/shared-data';

/** The shared benchmark files, next to the repository (never copied into it). */
export const BENCH_DIR = join(SHARED_DATA, 'bench');

const FILES = {
  math500: 'math500.json',
  gsm8k: 'gsm8k_test.jsonl',
  aime24: 'aime24.jsonl',
  amc23: 'amc23.jsonl',
  minerva: 'minerva_math.jsonl',
  olympiadbench: 'olympiadbench.jsonl',
};

/** Reference answers per benchmark. */
export async function referenceAnswers(dir: string = BENCH_DIR): Promise<Record<string, string[]>> {
  const answers: Record<string, string[]> = {};
  for (const [name, file] of Object.entries(FILES))
    answers[name] = (await loadProblemFile(join(dir, file))).map((r) => r.answer);
  return answers;
}

/** The answer with its first number changed (n → n + 1), or null when it holds no digit. */
export function perturb(answer: string): string | null {
  const m = /\d+/.exec(answer);
  if (!m) return null;
  const next = String(BigInt(m[0]) + 1n).padStart(m[0].length, '0');
  return answer.slice(0, m.index) + next + answer.slice(m.index + m[0].length);
}
