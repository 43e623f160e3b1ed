// `socratic server stop`: the embedded Temporal dev server keeps running after a run, so
// its UI can show finished runs; this stops it. The next run starts it again.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load';
import { stopDevServer } from '../temporal/dev-server';

export async function serverCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action !== 'stop')
    throw new Error('usage: socratic server stop [--config FILE] [--state-dir DIR]');
  const { values } = parseArgs({
    args: rest,
    options: { config: { type: 'string' }, 'state-dir': { type: 'string' } },
  });
  const { config } = await loadConfig(values.config, { stateDir: values['state-dir'] });
  const stopped = await stopDevServer(config.stateDir);
  console.log(
    stopped
      ? `stopped the Temporal dev server of ${config.stateDir}`
      : `no dev server running for ${config.stateDir}`,
  );
  return 0;
}
