// `socratic verify`: one pair from flags, or JSON lines from stdin to stdout in order.

import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { type Explanation, explainSync, type Verdict, type VerifyOptions } from './core';
import { closeVerifier, verify } from './index';

export interface VerifyIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

const USAGE = `usage: socratic verify --gold G --pred P [--explain] [--timeout-ms N] [--tolerance X]
       socratic verify --jsonl [--timeout-ms N] [--tolerance X]  < pairs.jsonl
Each input line is {"gold": ..., "pred": ...}; each output line is
{"equal": true|false|null, "gold": ..., "pred": ..., "reason": ...} (null = unknown).
--explain shows, for one pair, the answers found in both texts, what was compared and the
rules that decided.`;

// zod is loaded for the options and lines that need it: one pair from flags starts without it.
const zod = () => (require('zod') as typeof import('zod')).z;

/** One input line: built at the first line read. */
let lineSchema: z.ZodType<{ gold: string; pred: string }> | undefined;
function Line() {
  if (!lineSchema) {
    const z = zod();
    const answer = z.union([z.string(), z.number().transform(String)]);
    lineSchema = z.object({ gold: answer, pred: answer });
  }
  return lineSchema;
}

/** Verdicts waiting to be written, at most this many at a time. */
const IN_FLIGHT = 2048;

const line = (v: Verdict) =>
  `${JSON.stringify({ equal: v.equal, gold: v.gold, pred: v.pred, reason: v.reason })}\n`;

function write(out: Writable, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (out.write(text)) resolve();
    else out.once('drain', resolve);
  });
}

async function jsonl(io: VerifyIo, options: VerifyOptions): Promise<void> {
  const pending: Promise<Verdict>[] = [];
  let n = 0;
  const rl = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const text of rl) {
    n++;
    if (text.trim() === '') continue;
    pending.push(verifyLine(text, n, options));
    while (pending.length >= IN_FLIGHT) await write(io.stdout, line(await pending.shift()!));
  }
  for (const p of pending) await write(io.stdout, line(await p));
}

async function verifyLine(text: string, n: number, options: VerifyOptions): Promise<Verdict> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { equal: null, gold: null, pred: null, reason: `line ${n}: not valid JSON` };
  }
  const parsed = Line().safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      equal: null,
      gold: null,
      pred: null,
      reason: `line ${n}: ${issue ? `${issue.path.join('.') || 'line'}: ${issue.message}` : 'invalid'}`,
    };
  }
  return verify(parsed.data.gold, parsed.data.pred, options);
}

/** A readable account of one verification. */
function explanation(e: Explanation): string {
  const show = (s: string | null) => (s === null ? '(none)' : JSON.stringify(s));
  const outcome =
    e.verdict.equal === true ? 'equal' : e.verdict.equal === false ? 'different' : 'unknown';
  return [
    `gold answer:       ${show(e.goldAnswer)}`,
    `  cleaned:         ${show(e.goldNormalised)}`,
    `  read as:         ${show(e.verdict.gold)}`,
    `predicted answer:  ${show(e.predAnswer)}`,
    `  cleaned:         ${show(e.predNormalised)}`,
    `  read as:         ${show(e.verdict.pred)}`,
    `rules:             ${e.rules.join('; ')}`,
    `verdict:           ${outcome} (${e.verdict.reason})`,
    '',
  ].join('\n');
}

/** Runs the command; returns the process exit code. */
export async function verifyCommand(
  argv: string[],
  io: VerifyIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let values: {
    gold?: string;
    pred?: string;
    jsonl?: boolean;
    explain?: boolean;
    'timeout-ms'?: string;
    tolerance?: string;
    help?: boolean;
  };
  try {
    values = parseArgs({
      args: argv,
      options: {
        gold: { type: 'string' },
        pred: { type: 'string' },
        jsonl: { type: 'boolean' },
        explain: { type: 'boolean' },
        'timeout-ms': { type: 'string' },
        tolerance: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    io.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const options: VerifyOptions = {};
  if (values['timeout-ms'] !== undefined) {
    const t = zod().coerce.number().int().positive().safeParse(values['timeout-ms']);
    if (!t.success) {
      io.stderr.write(`--timeout-ms must be a positive integer\n`);
      return 2;
    }
    options.timeoutMs = t.data;
  }
  if (values.tolerance !== undefined) {
    const t = zod().coerce.number().nonnegative().safeParse(values.tolerance);
    if (!t.success) {
      io.stderr.write(`--tolerance must be a non-negative number\n`);
      return 2;
    }
    options.relativeTolerance = t.data;
  }
  if (values.explain && (values.jsonl || values.gold === undefined || values.pred === undefined)) {
    io.stderr.write(`--explain takes one pair: --gold and --pred\n${USAGE}\n`);
    return 2;
  }
  if (values.explain) {
    // In this thread, so that the working can be shown; the same bounds apply.
    await write(io.stdout, explanation(explainSync(values.gold!, values.pred!, options)));
    return 0;
  }
  try {
    if (values.jsonl) {
      await jsonl(io, options);
      return 0;
    }
    if (values.gold === undefined || values.pred === undefined) {
      io.stderr.write(`${USAGE}\n`);
      return 2;
    }
    await write(io.stdout, line(await verify(values.gold, values.pred, options)));
    return 0;
  } finally {
    await closeVerifier();
  }
}
