// The `socratic` command line.
import { initConfigCommand } from '../config/example';
import { ConfigError } from '../config/load';
import { ProblemFileError } from '../data/problem-file';
import { DirectoryLockedError } from '../db/lock';
import { labServeCommand } from '../lab/cli';
import { verifyCommand } from '../verifier/cli';
import { exportCommand } from './export';
import { UsageError } from './options';
import { runCommand } from './run';
import { SCHEDULE_USAGE, scheduleCommand } from './schedule';
import { serverCommand } from './server';
import { statusCommand } from './status';
import { workerCommand } from './worker';

const USAGE = `usage: socratic <command> [options]

  run     [--config FILE] [--state-dir DIR] [--rounds N] [--seed N] [--json]
          start a run, or resume the unfinished one in the state directory
  status  [--config FILE] [--state-dir DIR] [--json]
  export  [--config FILE] [--state-dir DIR] [--run ID|latest] --what problems|attempts|pairs|generator-data|evaluations|models|writers|refreshes [--format jsonl]
  ${SCHEDULE_USAGE}
          the nightly curriculum refresh of a run on a Temporal Schedule (hosted by \`socratic worker\`)
  init    [--out FILE] [--force]      write a commented example config (socratic.yaml)
  worker  [--config FILE] [--state-dir DIR]   a worker on its own (cluster mode: TEMPORAL_ADDRESS, DATABASE_URL)
  verify  --gold G --pred P | --jsonl  compare final answers (MathRule)
  server stop [--state-dir DIR]       stop the embedded Temporal dev server (it outlives runs, for its UI)
  lab serve [--port N] [--seed N] [--state-dir DIR]   run the simulated lab on its own`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await runCommand(rest);
      case 'status':
        return await statusCommand(rest);
      case 'export':
        return await exportCommand(rest);
      case 'init':
        return await initConfigCommand(rest);
      case 'server':
        return await serverCommand(rest);
      case 'worker':
        return await workerCommand(rest);
      case 'schedule':
        return await scheduleCommand(rest);
      case 'verify':
        return await verifyCommand(rest);
      case 'lab':
        if (rest[0] === 'serve') return await labServeCommand(rest.slice(1));
        break;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return 0;
    }
    console.error(`unknown command: ${argv.join(' ')}\n\n${USAGE}`);
    return 2;
  } catch (error) {
    // Input mistakes are the user's to fix: print them plainly, without a stack.
    const known = [ConfigError, ProblemFileError, DirectoryLockedError, UsageError].some(
      (type) => error instanceof type,
    );
    const isArgs = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(known || isArgs ? `error: ${(error as Error).message}` : error);
    return 1;
  }
}
