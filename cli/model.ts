// `socratic model serve --gguf FILE [--port N] [--name NAME] [--threads N]`: a local GGUF
// model as an OpenAI-compatible server on 127.0.0.1, for checking prompts offline.

import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startModelServer } from '../model/server';
import { untilInterrupted } from '../system/processes';
import { UsageError } from './options';

const USAGE = 'usage: socratic model serve --gguf FILE [--port N] [--name NAME] [--threads N]';

function integer(flag: string, value: string | undefined, min: number, max: number) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${flag}: expected an integer from ${min} to ${max}, got ${value}`);
  return n;
}

export async function modelCommand(argv: string[]): Promise<number> {
  if (argv[0] !== 'serve') throw new UsageError(USAGE);
  const { values } = parseArgs({
    args: argv.slice(1),
    options: {
      gguf: { type: 'string' },
      port: { type: 'string' },
      name: { type: 'string' },
      threads: { type: 'string' },
    },
  });
  if (!values.gguf) throw new UsageError(`--gguf FILE is required\n${USAGE}`);
  if (!existsSync(values.gguf)) throw new UsageError(`--gguf: no such file: ${values.gguf}`);
  const server = await startModelServer({
    gguf: values.gguf,
    port: integer('port', values.port, 0, 65535) ?? 8000,
    name: values.name,
    threads: integer('threads', values.threads, 1, 256),
  });
  process.stdout.write(`${server.url}\n`);
  process.stderr.write(`model ${JSON.stringify(server.model)} at ${server.url}\n`);
  await untilInterrupted();
  await server.close();
  return 0;
}
