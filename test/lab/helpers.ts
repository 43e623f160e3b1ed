// Shared helpers for the lab tests: a real OpenAI client against the lab, and
// the simulated trainer as a real subprocess.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Problem } from '../../lab/problems';
import { labTrainerCommand } from '../../lab/trainer';
import { solvePrompt } from '../../prompts/index';
import { verify } from '../../verifier/index';

export function tempDir(prefix = 'lab-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function client(
  url: string,
  options: { maxRetries?: number; timeout?: number } = {},
): OpenAI {
  return new OpenAI({
    baseURL: url,
    apiKey: 'lab',
    maxRetries: options.maxRetries ?? 0,
    timeout: options.timeout,
  });
}

/** Mean@k accuracy of a model on problems, graded by the project's verifier. */
export async function accuracy(
  openai: OpenAI,
  model: string,
  problems: Problem[],
  k = 4,
): Promise<number> {
  let correct = 0;
  await Promise.all(
    problems.map(async (problem) => {
      const reply = await openai.chat.completions.create({
        model,
        messages: solvePrompt(problem.text),
        n: k,
        temperature: 0.7,
        seed: 11,
      });
      for (const choice of reply.choices) {
        if ((await verify(problem.answer, choice.message.content ?? '')).equal === true) correct++;
      }
    }),
  );
  return correct / (problems.length * k);
}

export interface TrainerRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: unknown[];
  stderr: string;
}

/** Runs the simulated trainer; `onLine` may kill it (returns the child). */
export function runTrainer(
  manifest: unknown,
  dir: string,
  onLine?: (line: Record<string, unknown>, kill: () => void) => void,
): Promise<TrainerRun> {
  const manifestPath = join(
    dir,
    `manifest-${Date.now()}-${Math.random().toString(36).slice(2)}.json`,
  );
  writeFileSync(manifestPath, typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  const [command, ...args] = labTrainerCommand();
  const child = spawn(command!, [...args, '--manifest', manifestPath], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: unknown[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    let newline = stdout.indexOf('\n');
    while (newline >= 0) {
      const line = JSON.parse(stdout.slice(0, newline)) as Record<string, unknown>;
      stdout = stdout.slice(newline + 1);
      lines.push(line);
      onLine?.(line, () => child.kill('SIGKILL'));
      newline = stdout.indexOf('\n');
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, lines, stderr }));
  });
}
