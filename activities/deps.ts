// What activities need from their worker process: created once, shared by all activities.
import { eq } from 'drizzle-orm';
import { Config } from '../config/schema';
import type { Database } from '../db/client';
import { runs } from '../db/schema';
import type { LlmGateway } from './llm/gateway';

export interface ActivityDeps {
  db: Database;
  llm: LlmGateway;
  /** Base URL (ending in /v1) of the embedded simulated lab, when one runs in this process. */
  labUrl?: string;
}

const configs = new Map<string, Config>();

/** The config snapshot the run was started with: the run's one source of truth. */
export async function runConfig(db: Database, runId: string): Promise<Config> {
  let config = configs.get(runId);
  if (!config) {
    const [run] = await db.select({ config: runs.config }).from(runs).where(eq(runs.id, runId));
    if (!run) throw new Error(`no run ${runId} in the database`);
    config = Config.parse(run.config);
    configs.set(runId, config);
  }
  return config;
}
