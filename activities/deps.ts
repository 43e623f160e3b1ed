// What activities need from their worker process: created once, shared by all activities.

import { ApplicationFailure } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import { ConfigError, loadSnapshot } from '../config/load';
import type { Config } from '../config/schema';
import type { Database } from '../db/client';
import { runs } from '../db/schema';
import type { LlmGateway } from './llm/gateway';

export interface ActivityDeps {
  db: Database;
  llm: LlmGateway;
  /** Base URL (ending in /v1) of the embedded simulated lab, when one runs in this process. */
  labUrl?: string;
}

const parsed = new Map<string, Config>();

/**
 * The run's config: the snapshot it was started with, as repaired by later config
 * revisions (`socratic resume --config`). Read on every call, so a long-lived worker sees a
 * repair; parsed once per distinct snapshot.
 */
export async function runConfig(db: Database, runId: string): Promise<Config> {
  const [run] = await db.select({ config: runs.config }).from(runs).where(eq(runs.id, runId));
  if (!run) throw new Error(`no run ${runId} in the database`);
  const text = JSON.stringify(run.config);
  let config = parsed.get(text);
  if (!config) {
    try {
      config = loadSnapshot(run.config, `run ${runId}: config snapshot`);
    } catch (error) {
      // Retrying cannot make a refused config load: fail the round once, with the reason.
      if (error instanceof ConfigError)
        throw ApplicationFailure.nonRetryable(error.message, 'ConfigRefused');
      throw error;
    }
    parsed.set(text, config);
  }
  return config;
}
