// `socratic server stop`: the embedded Temporal dev server keeps running after a run, so
// its UI can show finished runs; this stops it. The next run starts it again.
import { stopDevServer } from '../temporal/dev-server';
import { commandConfig, parseCommand, UsageError } from './options';

export async function serverCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action !== 'stop')
    throw new UsageError('usage: socratic server stop [--config FILE] [--state-dir DIR]');
  const { config } = await commandConfig(parseCommand(rest).values);
  const stopped = await stopDevServer(config.stateDir);
  console.log(
    stopped
      ? `stopped the Temporal dev server of ${config.stateDir}`
      : `no dev server running for ${config.stateDir}`,
  );
  return 0;
}
