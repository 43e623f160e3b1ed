// The `socratic` command line. Each command's module is loaded when it runs, so that
// `socratic --help` or `verify` do not wait for the Temporal, database and LLM clients.
import { inspect } from 'node:util';
import { redactSecrets } from '../config/secrets';

const USAGE = `usage: socratic <command> [options]

  run     [--config FILE] [--state-dir DIR] [--rounds N] [--seed N] [--detach] [--json]
          start a run, or resume the unfinished one in the state directory (--detach: workers elsewhere run it)
  status  [--config FILE] [--state-dir DIR] [--json]
  runs    [--json]                    every run: status, round, stage, age, lineage
  pause | stop | cancel [--run ID|latest]   pause at the next stage boundary, end after the current stage, or cancel now
  resume  [--run ID|latest] [--config FILE] [--detach] [--json]   resume a paused, stopped or failed run (--config repairs it)
  replay  --run ID --round N --from sample|judge|self-verify|pairs|train|refine|admit|evaluate [--config FILE] [--detach] [--json]
  branch  --run ID --after-round N [--config FILE] [--seed N] [--rounds N] [--detach] [--json]
  export  [--config FILE] [--state-dir DIR] [--run ID|latest] --what problems|attempts|pairs|generator-data|evaluations|rejections|models|writers|refreshes [--format jsonl]
  report  [--config FILE] [--state-dir DIR] [--run ID|latest] [--out FILE]
          a self-contained HTML report: charts, figures, problem lineage
  schedule create --run ID (--cron "0 2 * * *" [--timezone Europe/Paris] | --every 1m) [--count N] [--band 0.2,0.8]
          schedule list | describe | pause | unpause | delete | trigger [--wait]   (each --run ID)
          the nightly curriculum refresh of a run on a Temporal Schedule (hosted by \`socratic worker\`)
  init    [--out FILE] [--force]      write a commented example config (socratic.yaml)
  worker  [--config FILE] [--state-dir DIR] [--queues workflow,llm,cpu,train]   a worker process (cluster mode: TEMPORAL_ADDRESS, DATABASE_URL)
  verify  --gold G --pred P | --jsonl  compare final answers (MathRule)
  server stop [--state-dir DIR]       stop the embedded Temporal dev server (it outlives runs, for its UI)
  lab serve [--port N] [--seed N] [--state-dir DIR]   run the simulated lab on its own
  model serve --gguf FILE [--port N] [--name NAME] [--threads N]   a local GGUF model, OpenAI-compatible`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await (await import('./run.js')).runCommand(rest);
      case 'status':
        return await (await import('./status.js')).statusCommand(rest);
      case 'runs':
        return await (await import('./control.js')).runsCommand(rest);
      case 'pause':
      case 'stop':
      case 'cancel':
        return await (await import('./control.js')).controlCommand(command, rest);
      case 'resume':
        return await (await import('./control.js')).resumeCommand(rest);
      case 'replay':
        return await (await import('./control.js')).replayCommand(rest);
      case 'branch':
        return await (await import('./control.js')).branchCommand(rest);
      case 'export':
        return await (await import('./export.js')).exportCommand(rest);
      case 'report':
        return await (await import('./report.js')).reportCommand(rest);
      case 'init':
        return await (await import('../config/example.js')).initConfigCommand(rest);
      case 'server':
        return await (await import('./server.js')).serverCommand(rest);
      case 'worker':
        return await (await import('./worker.js')).workerCommand(rest);
      case 'schedule':
        return await (await import('./schedule.js')).scheduleCommand(rest);
      case 'verify':
        return await (await import('../verifier/cli.js')).verifyCommand(rest);
      case 'lab':
        if (rest[0] === 'serve')
          return await (await import('../lab/cli.js')).labServeCommand(rest.slice(1));
        break;
      case 'model':
        return await (await import('./model.js')).modelCommand(rest);
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
    const [
      { ConfigError },
      { ConfigChangeRefused },
      { ProblemFileError },
      { DirectoryLockedError },
      { UsageError },
    ] = await Promise.all([
      import('../config/load.js'),
      import('../config/revisions.js'),
      import('../data/problem-file.js'),
      import('../db/lock.js'),
      import('./options.js'),
    ]);
    const known = [
      ConfigError,
      ConfigChangeRefused,
      ProblemFileError,
      DirectoryLockedError,
      UsageError,
    ].some((type) => error instanceof type);
    const isArgs = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    // A database error quotes its query's parameters: no URL password may be printed with them.
    console.error(
      redactSecrets(known || isArgs ? `error: ${(error as Error).message}` : inspect(error)),
    );
    return 1;
  }
}
