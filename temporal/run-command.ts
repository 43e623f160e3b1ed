import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr interleaved, capped to the last maxOutputChars. */
  output: string;
}

/** Runs argv (no shell) and collects its output; rejects only when it cannot start (e.g. ENOENT). */
export function runCommand(
  argv: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; maxOutputChars?: number } = {},
): Promise<CommandResult> {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error('runCommand needs at least a command');
  const maxOutputChars = options.maxOutputChars ?? 64_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Our own timer: spawn's `timeout` option leaks its timer (keeping Node alive) when the
    // command cannot start at all.
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-maxOutputChars);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

export function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
