// Which config changes a run may take after it started (`--config` on resume, replay or
// branch). A repair may change how work is done (endpoints, keys, limits, the trainer's
// command), never what it computes; a replay may also change what the replayed stages
// compute. Anything else would make the run's finished work disagree with its config.
import { canonicalJson, leafPaths } from './load';
import type { Config } from './schema';

/** The stages of a round, in order, as `socratic replay --from` names them. */
export const STAGES = [
  'sample',
  'judge',
  'self-verify',
  'pairs',
  'train',
  'refine',
  'admit',
  'evaluate',
] as const;
export type Stage = (typeof STAGES)[number];

export interface ConfigChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** Fields that change how work is done, not its results: a run may change them any time. */
const REPAIRABLE = [
  /^stateDir$/,
  /^databaseUrl$/,
  /^rounds$/,
  /^roles\.\w+\.(baseUrl|apiKeyEnv|concurrency|timeoutSeconds|maxRetries)$/,
  /^trainer\.\w+\.(command|launcher|heartbeatTimeoutSeconds|phaseTimeoutSeconds|maxAttempts|outputRoot|env)(\.|$)/,
  /^serving\./,
  /^evaluation\.benchmarks(\.|$)/,
  /^temporal\./,
  /^lab\.(port|latencyMs|httpErrorRate)$/,
  // Spending limits, prices, the report and metrics: what is watched, not what is computed.
  /^(budget|prices|report|metrics)(\.|$)/,
];

/** The first stage whose results a field changes (a replay from there may change it). */
const FIRST_STAGE: [RegExp, Stage][] = [
  [/^roles\.solver\./, 'sample'],
  [/^loop\.k$/, 'sample'],
  [/^roles\.teacher\./, 'judge'],
  [/^loop\.judgePolicy$/, 'judge'],
  [/^loop\.validationFraction$/, 'pairs'],
  [/^trainer\.solver\.hyperparameters(\.|$)/, 'train'],
  [/^tasks\.solve\./, 'sample'],
  [/^tasks\.judge\./, 'judge'],
  [/^roles\.\w+\.structuredOutput$/, 'judge'],
  [/^tasks\.selfVerify\./, 'self-verify'],
  [/^tasks\.referenceSolution\./, 'pairs'],
  [/^tasks\.(refine|harden)\./, 'refine'],
  [/^tasks\.evaluate\./, 'evaluate'],
  [/^evaluation\.(preset|teacherFallback)$/, 'evaluate'],
  [/^loop\.refinementsPerProblem$/, 'refine'],
  [/^loop\.admission\./, 'admit'],
  [/^evaluation\.decontaminate(\.|$)/, 'admit'],
  [/^evaluation\.(samples|temperature|topP|maxProblems)$/, 'evaluate'],
];

/** Every leaf that differs (lists compare whole). */
export function configChanges(before: Config, after: Config): ConfigChange[] {
  const at = (config: unknown, field: string) =>
    field.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], config);
  const fields = [...new Set([...leafPaths(before), ...leafPaths(after)])].sort();
  return fields
    .map((field) => ({ field, from: at(before, field), to: at(after, field) }))
    .filter((c) => canonicalJson(c.from) !== canonicalJson(c.to));
}

export class ConfigChangeRefused extends Error {
  override readonly name = 'ConfigChangeRefused';
}

/**
 * The changes `after` makes to a run's config, or an error naming every field it may not
 * change. `replayFrom`: the stage a replay restarts at, whose work (and later) is redone.
 */
export function checkConfigChanges(
  before: Config,
  after: Config,
  replayFrom?: Stage,
): ConfigChange[] {
  const changes = configChanges(before, after);
  const refused = changes.filter(({ field }) => {
    if (REPAIRABLE.some((r) => r.test(field))) return false;
    const stage = FIRST_STAGE.find(([r]) => r.test(field))?.[1];
    return !(replayFrom && stage && STAGES.indexOf(stage) >= STAGES.indexOf(replayFrom));
  });
  if (refused.length > 0) {
    const list = refused
      .map((c) => `${c.field} (${JSON.stringify(c.from)} → ${JSON.stringify(c.to)})`)
      .join(', ');
    const scope = replayFrom
      ? `a replay from ${replayFrom} may change only fields that do not alter earlier work`
      : 'a run may change only fields that do not alter its finished work (endpoints, API-key variables, concurrency, timeouts, trainer command, serving, evaluation sets)';
    throw new ConfigChangeRefused(
      `refused: ${list}; ${scope}. To run with it, start a new run from this one: socratic branch --run ID --after-round N --config FILE`,
    );
  }
  return changes;
}
