// `socratic lab serve [--port N] [--seed N] [--state-dir DIR] [--<knob> X]`: the
// simulated lab as a standalone server, for pointing other tools at it.

import { join } from 'node:path';
import { Config } from '../config/schema';
import { untilInterrupted } from '../system/processes';
import { DEFAULT_KNOBS, type Knobs } from './knobs';
import { startLab } from './server';
import { writeLabSets } from './sets';

const USAGE = `usage: socratic lab serve [--port N] [--seed N] [--state-dir DIR]
  [--judge-error-rate X] [--broken-problem-rate X] [--malformed-json-rate X]
  [--http-error-rate X] [--timeout-rate X] [--latency-ms N]`;

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

interface ServeArgs {
  port: number;
  seed: number;
  stateDir: string;
  knobs: Partial<Knobs>;
}

export function parseServeArgs(argv: string[]): ServeArgs | string {
  const lab = Config.parse({}).lab;
  const args: ServeArgs = {
    port: 8000,
    seed: lab.seed,
    stateDir: join('.socratic', 'lab'),
    knobs: {},
  };
  const knobFlags = new Map(
    (Object.keys(DEFAULT_KNOBS) as (keyof Knobs)[]).map((k) => [`--${kebab(k)}`, k]),
  );
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) return `${flag} needs a value`;
    const number = Number(value);
    if (flag === '--state-dir') args.stateDir = value;
    else if (flag === '--port' || flag === '--seed') {
      if (!Number.isInteger(number) || (flag === '--port' && (number < 0 || number > 65535))) {
        return `${flag}: expected an integer, got ${value}`;
      }
      args[flag === '--port' ? 'port' : 'seed'] = number;
    } else if (knobFlags.has(flag)) {
      if (!Number.isFinite(number) || number < 0)
        return `${flag}: expected a number >= 0, got ${value}`;
      args.knobs[knobFlags.get(flag)!] = number;
    } else return `unknown option ${flag}`;
  }
  return args;
}

export async function labServeCommand(argv: string[]): Promise<number> {
  const args = parseServeArgs(argv[0] === 'serve' ? argv.slice(1) : argv);
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n${USAGE}\n`);
    return 2;
  }
  const requestLog = join(args.stateDir, 'requests.jsonl');
  const sets = writeLabSets(args.stateDir, { seed: args.seed });
  const lab = await startLab({ port: args.port, seed: args.seed, requestLog, knobs: args.knobs });
  process.stdout.write(`${lab.url}\n`);
  process.stderr.write(
    `simulated lab (seed ${args.seed}) at ${lab.url}\n  seeds: ${sets.seeds}\n  eval: ${sets.eval}\n  requests: ${requestLog}\n`,
  );
  await untilInterrupted();
  await lab.close();
  return 0;
}
