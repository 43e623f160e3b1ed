// What counts as a secret of this process, and how it is kept out of what we store, print
// and hand to subprocesses. Secrets live in environment variables (and a database URL's
// password); the config names the variables, never holds the values.
import type { Config } from './schema';

const CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi;

/** The text with the password of every URL in it (`scheme://user:password@…`) replaced by ***. */
export function redactSecrets(text: string): string {
  return text.replace(CREDENTIALS, '$1:***@');
}

/** The config as a run's snapshot stores it: without the database password. */
export function withoutSecrets(config: Config): Config {
  return config.databaseUrl === undefined
    ? config
    : { ...config, databaseUrl: redactSecrets(config.databaseUrl) };
}

/** Environment variables that hold this process's secrets: API keys and the database URL. */
export function secretVariables(config: Config): string[] {
  const names = new Set(['DATABASE_URL', 'TEMPORAL_API_KEY']);
  for (const role of Object.values(config.roles)) if (role.apiKeyEnv) names.add(role.apiKeyEnv);
  if (config.temporal.apiKeyEnv) names.add(config.temporal.apiKeyEnv);
  return [...names].sort();
}

/** The secret variables a subprocess must not see: all but those its config passes on. */
export function withheldVariables(config: Config, passed: readonly string[] = []): string[] {
  return secretVariables(config).filter((name) => !passed.includes(name));
}

/** process.env (or env) without the withheld variables. */
export function environmentWithout(
  withheld: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !withheld.includes(name)));
}
