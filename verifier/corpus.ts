// Reference answers of the benchmark files (MATH-500, GSM8K, AIME24, AMC23, Minerva,
// OlympiadBench), read by the project's problem-file loader, for the corpus test and the benchmark.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
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

/** One labelled pair of the agreement corpus (test/fixtures/verifier/agreement.jsonl). */
export const AgreementRecord = z.object({
  id: z.string(),
  family: z.enum(['prose', 'multi', 'relations', 'matrices', 'numbers', 'notation']),
  gold: z.string().min(1),
  pred: z.string().min(1),
  equal: z.boolean(),
  source: z.string().min(1),
});
export type AgreementRecord = z.infer<typeof AgreementRecord>;

export const AGREEMENT_CORPUS = join(
  __dirname,
  '..',
  'test',
  'fixtures',
  'verifier',
  'agreement.jsonl',
);

/** Reads the labelled corpus; a malformed line fails with its file, line and field. */
export function loadAgreementCorpus(file: string = AGREEMENT_CORPUS): AgreementRecord[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: AgreementRecord[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new Error(`${file}:${i + 1}: not valid JSON`);
    }
    const r = AgreementRecord.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new Error(`${file}:${i + 1}: ${issue.path.join('.')}: ${issue.message}`);
    }
    out.push(r.data);
  });
  return out;
}

export interface Agreement {
  /** Equal pairs judged equal, and all equal pairs. */
  equalHit: number;
  equal: number;
  /** Unequal pairs judged different (unknown does not count), and all unequal pairs. */
  unequalHit: number;
  unequal: number;
}

/** Agreement with the labels per family and overall ('all'). */
export function agreementByFamily(
  records: readonly AgreementRecord[],
  verdicts: readonly (boolean | null)[],
): Map<string, Agreement> {
  const out = new Map<string, Agreement>();
  const bump = (key: string, r: AgreementRecord, v: boolean | null) => {
    const a = out.get(key) ?? { equalHit: 0, equal: 0, unequalHit: 0, unequal: 0 };
    if (r.equal) {
      a.equal++;
      if (v === true) a.equalHit++;
    } else {
      a.unequal++;
      if (v === false) a.unequalHit++;
    }
    out.set(key, a);
  };
  records.forEach((r, i) => {
    bump(r.family, r, verdicts[i] ?? null);
    bump('all', r, verdicts[i] ?? null);
  });
  return out;
}

/** Share of pairs where the verdict matches the label (unknown counts as a miss). */
export const accuracy = (a: Agreement): number =>
  (a.equalHit + a.unequalHit) / Math.max(1, a.equal + a.unequal);
