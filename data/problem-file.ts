// Loads a file of math problems in any of the formats users hold (see problem-shapes.ts):
// a JSON array or JSON lines, shape detected per record. Bad input fails loudly with
// file, line and field; loading never writes anything.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { normaliseProblemText } from '../algorithm/admission';
import { verifySync } from '../verifier/core';
import { jsonArrayElementOffsets, jsonErrorOffset } from './json-array-elements';
import { quoteLongNumbers } from './json-numbers';
import { LineIndex } from './line-index';
import { ProblemFileError } from './problem-file-error';
import { type ProblemRecord, ProblemShape } from './problem-shapes';
import { describeValue, explainRecordIssue } from './record-issue';

export { ProblemFileError } from './problem-file-error';
export type { ProblemRecord } from './problem-shapes';

/** One JSON value from the file, with the line it starts on and its stable reference. */
interface LocatedValue {
  value: unknown;
  line: number;
  sourceRef: string;
}

export interface LoadProblemOptions {
  /**
   * Skip records that parse as JSON but are not usable problems (e.g. MATH train's two
   * `"answer": null` records) instead of failing. Broken JSON still fails.
   */
  skipInvalidRecords?: boolean;
  /** Told about each skipped record, so callers can warn. */
  onSkippedRecord?: (error: ProblemFileError) => void;
  /**
   * Fail when the same problem (same normalised text) appears twice with answers MathRule
   * does not find equal: one of them is wrong, and which one would be left to chance.
   */
  rejectConflictingDuplicates?: boolean;
}

export async function loadProblemFile(
  file: string,
  options: LoadProblemOptions = {},
): Promise<ProblemRecord[]> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ProblemFileError(file, undefined, undefined, `cannot read the file (${reason})`);
  }
  content = content.replace(/^\uFEFF/, '');
  if (content.trim() === '') {
    throw new ProblemFileError(
      file,
      undefined,
      undefined,
      'empty file: expected problems as a JSON array or JSON lines',
    );
  }
  const values = content.trimStart().startsWith('[')
    ? jsonArrayValues(file, content)
    : jsonLineValues(file, content);
  if (values.length === 0) {
    throw new ProblemFileError(file, undefined, undefined, 'no problem records in the file');
  }
  const records: ProblemRecord[] = [];
  const firstSeen = new Map<string, { answer: string; line: number }>();
  for (const located of values) {
    let record: ProblemRecord;
    try {
      record = toProblemRecord(file, located);
    } catch (error) {
      if (!(options.skipInvalidRecords && error instanceof ProblemFileError)) throw error;
      options.onSkippedRecord?.(error);
      continue;
    }
    if (options.rejectConflictingDuplicates) {
      const key = normaliseProblemText(record.text);
      const first = firstSeen.get(key);
      if (!first) firstSeen.set(key, { answer: record.answer, line: located.line });
      else if (verifySync(first.answer, record.answer).equal !== true)
        throw new ProblemFileError(
          file,
          located.line,
          'answer',
          `the same problem as ${file}:${first.line} with a different answer ` +
            `(${JSON.stringify(first.answer)} there, ${JSON.stringify(record.answer)} here)`,
        );
    }
    records.push(record);
  }
  if (records.length === 0) {
    throw new ProblemFileError(file, undefined, undefined, 'no usable problem records in the file');
  }
  return records;
}

function jsonLineValues(file: string, content: string): LocatedValue[] {
  const base = path.basename(file);
  const values: LocatedValue[] = [];
  content.split('\n').forEach((text, index) => {
    const line = index + 1;
    if (text.trim() === '') return;
    try {
      values.push({ value: parseKeepingDigits(text), line, sourceRef: `${base}:${line}` });
    } catch (error) {
      throw new ProblemFileError(
        file,
        line,
        undefined,
        `not valid JSON (${(error as Error).message})`,
      );
    }
  });
  return values;
}

function jsonArrayValues(file: string, content: string): LocatedValue[] {
  const lines = new LineIndex(content);
  let parsed: unknown;
  try {
    parsed = parseKeepingDigits(content);
  } catch (error) {
    const offset = jsonErrorOffset(error);
    const line = offset === undefined ? undefined : lines.lineAt(offset);
    throw new ProblemFileError(
      file,
      line,
      undefined,
      `not valid JSON (${(error as Error).message})`,
    );
  }
  if (!Array.isArray(parsed)) {
    throw new ProblemFileError(
      file,
      1,
      undefined,
      `expected a JSON array of problems, got ${describeValue(parsed)}`,
    );
  }
  const offsets = jsonArrayElementOffsets(content);
  const base = path.basename(file);
  return parsed.map((value, index) => ({
    value,
    line: lines.lineAt(offsets[index] ?? 0),
    sourceRef: `${base}#${index}`,
  }));
}

/** JSON.parse, with numbers a double cannot hold read as their source digits (errors point into the original). */
function parseKeepingDigits(json: string): unknown {
  const parsed: unknown = JSON.parse(json);
  const quoted = quoteLongNumbers(json);
  return quoted === json ? parsed : JSON.parse(quoted);
}

function toProblemRecord(file: string, { value, line, sourceRef }: LocatedValue): ProblemRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ProblemFileError(
      file,
      line,
      undefined,
      `expected a JSON object, got ${describeValue(value)}`,
    );
  }
  const record = value as Record<string, unknown>;
  if (!('problem' in record) && !('question' in record)) {
    const keys = Object.keys(record).join(', ') || 'none';
    throw new ProblemFileError(
      file,
      line,
      'problem',
      `missing: a problem needs a "problem" or "question" field (keys: ${keys})`,
    );
  }
  const result = ProblemShape.safeParse(record);
  if (!result.success) {
    const { field, detail } = explainRecordIssue(record, result.error);
    throw new ProblemFileError(file, line, field, detail);
  }
  return { ...result.data, sourceRef };
}

/** A seed file: the same problem twice with different answers is an error there. */
export function loadSeedFile(file: string): Promise<ProblemRecord[]> {
  return loadProblemFile(file, { rejectConflictingDuplicates: true });
}
