import { spawn } from 'node:child_process';
import { terminateProcesses } from '../trainer/process-group';
import { HandoffError } from './handoff-error';

const OUTPUT_TAIL_CHARS = 4096;

/** `{model}` and `{path}` may appear anywhere inside each argument. */
export function substitutePlaceholders(
  command: string[],
  values: { model: string; path: string },
): string[] {
  return command.map((arg) =>
    arg.replaceAll('{model}', values.model).replaceAll('{path}', values.path),
  );
}

/**
 * Runs the operator's deploy command (argv, no shell) in its own process group
 * so that abort kills whatever it started; rejects on a non-zero exit.
 */
export async function runDeployCommand(
  argv: string[],
  signal: AbortSignal,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const [file, ...args] = argv;
  if (!file) throw new HandoffError('serving command is empty');
  signal.throwIfAborted();
  const child = spawn(file, args, { detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  let stopping: Promise<boolean> | undefined;
  const onAbort = () => {
    if (child.pid) stopping = terminateProcesses(child.pid, 5_000);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await new Promise<{ code: number | null; sig: NodeJS.Signals | null }>(
      (resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code, sig) => resolve({ code, sig }));
      },
    );
    if (stopping) await stopping;
    signal.throwIfAborted();
    if (result.code !== 0) {
      const how =
        result.code === null ? `was killed by ${result.sig}` : `exited with code ${result.code}`;
      throw new HandoffError(`serving command ${JSON.stringify(argv)} ${how}:\n${output.trim()}`);
    }
  } catch (err) {
    if (err instanceof HandoffError || signal.aborted) throw err;
    throw new HandoffError(
      `could not run serving command ${JSON.stringify(argv)}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
