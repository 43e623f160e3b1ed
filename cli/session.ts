// Everything one `socratic` process needs for a state directory: the database, the
// simulated lab when a role uses it, Temporal, and the activities' dependencies.
// The lab, the LLM gateway and the Temporal client are loaded when first used, so that
// commands that only read the database (status, export) start without them.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ActivityDeps } from '../activities/deps';
import { type Config, LAB } from '../config/schema';
import { type DatabaseHandle, openDatabase } from '../db/client';
import type { TemporalTarget } from '../temporal/connection';

export interface Session {
  config: Config;
  database: DatabaseHandle;
  deps: ActivityDeps;
  lab?: { url: string; close(): Promise<void> };
  close(): Promise<void>;
}

function usesLab(config: Config): boolean {
  return (
    Object.values(config.roles).some((r) => r.baseUrl === LAB) ||
    config.loop.seeds === LAB ||
    config.evaluation.benchmarks === LAB
  );
}

export function databaseUrl(config: Config): string | undefined {
  return process.env.DATABASE_URL ?? config.databaseUrl;
}

/**
 * The state directory's database. `brief`: for a command that reads a little and exits
 * (status, export): PGlite starts lighter (see openDatabase). `thread: false`: PGlite stays
 * in the process, for a short read in a command that hosts no activities (starting its
 * thread costs about 0.3 s).
 */
export async function openDatabaseFor(
  config: Config,
  options: { brief?: boolean; thread?: boolean } = {},
): Promise<DatabaseHandle> {
  return openDatabase({
    url: databaseUrl(config),
    dataDir: path.join(config.stateDir, 'pgdata'),
    ...options,
  });
}

/**
 * Opens the database (unless given one already open) and, when the config uses it, starts
 * the lab (writing its problem sets first).
 */
export async function openSession(config: Config, open?: DatabaseHandle): Promise<Session> {
  mkdirSync(config.stateDir, { recursive: true });
  let lab: Session['lab'];
  if (usesLab(config)) {
    const [{ labSetPaths }, { writeLabSets }, { startLab }] = await Promise.all([
      import('../activities/benchmarks.js'),
      import('../lab/sets.js'),
      import('../lab/server.js'),
    ]);
    await writeLabSets(labSetPaths(config.stateDir).dir, {
      seed: config.lab.seed,
      seedProblems: config.lab.seedProblems,
      evalProblems: config.lab.evalProblems,
    });
    lab = await startLab({
      port: config.lab.port,
      seed: config.lab.seed,
      requestLog: path.join(config.stateDir, 'requests.jsonl'),
      knobs: config.lab,
    });
  }
  const database = await (open ? Promise.resolve(open) : openDatabaseFor(config)).catch(
    async (error) => {
      await lab?.close();
      throw error;
    },
  );
  const { LlmGateway } = await import('../activities/llm/gateway.js');
  const llm = new LlmGateway(database.db, lab?.url);
  llm.startThread();
  return {
    config,
    database,
    lab,
    deps: { db: database.db, llm, labUrl: lab?.url },
    async close() {
      await llm.close();
      await database.close();
      await lab?.close();
    },
  };
}

export async function connect(
  config: Config,
  onProgress: (message: string) => void,
): Promise<TemporalTarget> {
  const { connectTemporal } = await import('../temporal/connection.js');
  return connectTemporal(config.temporal, config.stateDir, { onProgress });
}
