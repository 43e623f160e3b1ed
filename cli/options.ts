// Every command finds its state directory the same way: a config file and/or --state-dir.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type ConfigOverrides, loadConfig } from '../config/load';

/** A mistake in how a command was called: shown as a message, never with a stack. */
export class UsageError extends Error {}

const STATE_OPTIONS = { config: { type: 'string' }, 'state-dir': { type: 'string' } } as const;

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's arguments: its own options plus --config and --state-dir. */
export function parseCommand<T extends Options>(argv: string[], options: T = {} as T) {
  return parseArgs({ args: argv, options: { ...STATE_OPTIONS, ...options } });
}

/** The config a command's --config and --state-dir name, with any other overrides. */
export function commandConfig(
  values: { config?: string; 'state-dir'?: string },
  overrides: Omit<ConfigOverrides, 'stateDir'> = {},
) {
  return loadConfig(values.config, { ...overrides, stateDir: values['state-dir'] });
}
