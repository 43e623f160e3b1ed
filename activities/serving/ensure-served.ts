// SPEC §6 for any trained role: make sure the role's endpoint serves a trained model.
import { eq } from 'drizzle-orm';
import { LAB } from '../../config/schema';
import { models } from '../../db/schema';
import { type ActivityDeps, runConfig } from '../deps';
import { handoffModel } from './handoff';

const served = new Set<string>();

/**
 * Makes sure the role's serving endpoint has this trained model (a base model needs
 * nothing). Idempotent and cheap after the first call: callers call it before every
 * use, since a restarted server forgets runtime-loaded adapters.
 */
export async function ensureServed(
  deps: ActivityDeps,
  runId: string,
  role: 'solver' | 'generator',
  servedName: string,
): Promise<void> {
  const key = `${role}\u0000${servedName}`;
  if (served.has(key)) return;
  const config = await runConfig(deps.db, runId);
  const [model] = await deps.db.select().from(models).where(eq(models.servedName, servedName));
  if (model) {
    const settings = config.roles[role];
    const serving = config.serving[role];
    await handoffModel({
      mode: serving.mode,
      baseUrl: settings.baseUrl === LAB ? deps.labUrl! : settings.baseUrl,
      apiKey: settings.apiKeyEnv ? process.env[settings.apiKeyEnv] : undefined,
      modelName: serving.mode === 'static' ? (serving.model ?? settings.model) : servedName,
      modelPath: model.path ?? '',
      command: serving.mode === 'command' ? serving.command : undefined,
      timeoutSeconds: serving.mode === 'static' ? 0 : serving.timeoutSeconds,
    });
  }
  served.add(key);
}
