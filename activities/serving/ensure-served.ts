// SPEC §6 for any trained role: make sure the role's endpoint serves a trained model.
import { eq } from 'drizzle-orm';
import { type Config, LAB } from '../../config/schema';
import { environmentWithout, withheldVariables } from '../../config/secrets';
import { models } from '../../db/schema';
import { type ActivityDeps, runConfig } from '../deps';
import { handoffModel } from './handoff';

/**
 * The name the next rounds use for a trained model (SPEC §6): in `static` mode the one the
 * operator serves (serving.<role>.model, else roles.<role>.model); otherwise the trained
 * model's own name, under which the handoff loads or deploys it.
 */
export function servedNameFor(
  config: Config,
  role: 'solver' | 'generator',
  trainedName: string,
): string {
  const serving = config.serving[role];
  return serving.mode === 'static' ? (serving.model ?? config.roles[role].model) : trainedName;
}

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
      // In static mode the served name is already the configured one (servedNameFor).
      modelName: servedName,
      modelPath: model.path ?? '',
      command: serving.mode === 'command' ? serving.command : undefined,
      env: environmentWithout(
        withheldVariables(config, serving.mode === 'command' ? serving.env : []),
      ),
      timeoutSeconds: serving.mode === 'static' ? 0 : serving.timeoutSeconds,
    });
  }
  served.add(key);
}
