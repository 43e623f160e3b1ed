// Evaluation benchmarks and the decontamination index, loaded once per worker process.
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { TextIndex } from '../algorithm/admission';
import { type Config, LAB } from '../config/schema';
import { loadProblemFile, ProblemFileError, type ProblemRecord } from '../data/problem-file';

/** Where the embedded lab's seed and evaluation sets are written in a state directory. */
export function labSetPaths(stateDir: string) {
  const dir = path.join(stateDir, 'lab');
  return { dir, seeds: path.join(dir, 'seeds.jsonl'), eval: path.join(dir, 'eval.jsonl') };
}

export function seedFile(config: Config): string {
  return config.loop.seeds === LAB ? labSetPaths(config.stateDir).seeds : config.loop.seeds;
}

export function benchmarkFiles(config: Config): { name: string; path: string }[] {
  const { benchmarks } = config.evaluation;
  return benchmarks === LAB
    ? [{ name: 'lab-eval', path: labSetPaths(config.stateDir).eval }]
    : benchmarks;
}

const files = new Map<string, Promise<ProblemRecord[]>>();

export function loadBenchmark(file: string): Promise<ProblemRecord[]> {
  let records = files.get(file);
  if (!records) {
    records = loadProblemFile(file).catch((error) => {
      // A missing or malformed benchmark file stays so: fail once, with the file and line.
      if (error instanceof ProblemFileError)
        throw ApplicationFailure.nonRetryable(error.message, 'UnknownBenchmark');
      throw error;
    });
    files.set(file, records);
    records.catch(() => files.delete(file));
  }
  return records;
}

/** The first maxProblems of a benchmark: what Mean@k is measured on. */
export async function evaluationProblems(config: Config, file: string): Promise<ProblemRecord[]> {
  const records = await loadBenchmark(file);
  return config.evaluation.maxProblems ? records.slice(0, config.evaluation.maxProblems) : records;
}

const indexes = new Map<string, TextIndex>();

export async function benchmarkIndex(config: Config): Promise<TextIndex> {
  const sources = config.evaluation.decontaminate ?? benchmarkFiles(config).map((b) => b.path);
  const key = `${config.loop.admission.ngram}:${sources.join('\n')}`;
  let index = indexes.get(key);
  if (!index) {
    index = new TextIndex(config.loop.admission.ngram);
    for (const file of sources)
      for (const record of await loadBenchmark(file)) index.add(record.text);
    indexes.set(key, index);
  }
  return index;
}
