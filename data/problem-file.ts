// Loads a file of math problems in any of the formats users hold (see problem-shapes.ts):
// a JSON array or JSON lines, shape detected per record. Bad input fails loudly with
// file, line and field; loading never writes anything.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { jsonArrayElementOffsets, jsonErrorOffset } from './json-array-elements';
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
  for (const located of values) {
    try {
      records.push(toProblemRecord(file, located));
    } catch (error) {
      if (!(options.skipInvalidRecords && error instanceof ProblemFileError)) throw error;
      options.onSkippedRecord?.(error);
    }
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
      values.push({ value: JSON.parse(text), line, sourceRef: `${base}:${line}` });
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
    parsed = JSON.parse(content);
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
