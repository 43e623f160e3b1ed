// Reads the one config file (YAML), validates it against config/schema.ts and resolves
// its relative paths. Every mistake is reported as `file:line: field.path: expected …`
// so a user can fix a multi-day run's config before it starts, not hours into it.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { Config, LAB } from './schema';

/** The YAML parser, loaded when a config file is read: a command without one starts sooner. */
const yaml = () => require('yaml') as typeof import('yaml');

export interface ConfigOverrides {
  /** Relative to the current directory (it comes from the command line). */
  stateDir?: string;
  rounds?: number;
  seed?: number;
}

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file read; absent when the defaults were used. */
  file?: string;
  /** sha256 (hex) of the canonical JSON of `config`, paths resolved and overrides applied. */
  hash: string;
}

/** One problem found in a config file. */
export interface ConfigProblem {
  line?: number;
  /** Dotted field path, e.g. `loop.k` or `evaluation.benchmarks[0].path`. */
  field?: string;
  expected: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    /** The file as the user named it. */
    readonly file: string,
    /** Every problem found; the message lists them all, one per line. */
    readonly problems: ConfigProblem[],
  ) {
    super(problems.map((problem) => formatProblem(file, problem)).join('\n'));
  }
}

function formatProblem(file: string, { line, field, expected }: ConfigProblem): string {
  const where = line === undefined ? file : `${file}:${line}`;
  return field ? `${where}: ${field}: ${expected}` : `${where}: ${expected}`;
}

/**
 * Loads and validates a config file; no file means the defaults (the embedded lab).
 * Relative paths resolve against the file's directory (the current one without a file).
 */
export async function loadConfig(
  file?: string,
  overrides: ConfigOverrides = {},
): Promise<LoadedConfig> {
  let config: Config;
  let absoluteFile: string | undefined;
  if (file === undefined) {
    config = resolveConfigPaths(Config.parse({}), process.cwd());
  } else {
    absoluteFile = path.resolve(file);
    let text: string;
    try {
      text = await readFile(absoluteFile, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new ConfigError(file, [{ expected: `cannot read the config file (${reason})` }]);
    }
    config = resolveConfigPaths(parseConfigYaml(text, file), path.dirname(absoluteFile));
  }
  config = applyOverrides(config, overrides);
  return { config, ...(absoluteFile ? { file: absoluteFile } : {}), hash: configHash(config) };
}

/** Parses and validates YAML config text; `label` names the source in errors. Paths stay as written. */
export function parseConfigYaml(text: string, label: string): Config {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      label,
      doc.errors.map((error) => ({
        line: error.linePos?.[0].line,
        expected: `YAML syntax error: ${error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(label, [
      { line: 1, expected: `expected a mapping of config sections, got ${describeValue(raw)}` },
    ]);
  }
  const result = Config.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues
      .flatMap((issue) => explainIssue(issue, [], raw, doc, lineCounter))
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw new ConfigError(label, problems);
  }
  return result.data;
}

// ---- paths and overrides ----

/** Makes every file path in the config absolute, relative ones against `baseDir`. */
export function resolveConfigPaths(config: Config, baseDir: string): Config {
  const resolved = structuredClone(config);
  const at = (p: string) => path.resolve(baseDir, p);
  resolved.stateDir = at(resolved.stateDir);
  if (resolved.loop.seeds !== LAB) resolved.loop.seeds = at(resolved.loop.seeds);
  const { evaluation, trainer, temporal } = resolved;
  if (evaluation.benchmarks !== LAB) {
    evaluation.benchmarks = evaluation.benchmarks.map((b) => ({ ...b, path: at(b.path) }));
  }
  if (evaluation.decontaminate) evaluation.decontaminate = evaluation.decontaminate.map(at);
  for (const role of [trainer.solver, trainer.generator]) {
    if (role.outputRoot !== undefined) role.outputRoot = at(role.outputRoot);
  }
  if (typeof temporal.tls === 'object') {
    const tls = temporal.tls;
    if (tls.certPath !== undefined) tls.certPath = at(tls.certPath);
    if (tls.keyPath !== undefined) tls.keyPath = at(tls.keyPath);
    if (tls.caPath !== undefined) tls.caPath = at(tls.caPath);
  }
  return resolved;
}

function applyOverrides(config: Config, overrides: ConfigOverrides): Config {
  const result = structuredClone(config);
  const checked = <T>(field: 'rounds' | 'seed', schema: z.ZodType<T>, value: unknown): T => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const expected = issue ? expectation(issue, value) : 'invalid value';
    throw new ConfigError('command line', [{ field: `--${field}`, expected }]);
  };
  if (overrides.stateDir !== undefined) result.stateDir = path.resolve(overrides.stateDir);
  if (overrides.rounds !== undefined)
    result.rounds = checked('rounds', Config.shape.rounds, overrides.rounds);
  if (overrides.seed !== undefined)
    result.seed = checked('seed', Config.shape.seed, overrides.seed);
  return result;
}

// ---- hash ----

/** JSON with object keys sorted at every level, so equal configs give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return Object.fromEntries(entries);
  });
}

export function configHash(config: Config): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

// ---- turning zod issues into file:line: field: expectation ----

type Issue = z.core.$ZodIssue;
type Key = PropertyKey;

function explainIssue(
  issue: Issue,
  prefix: Key[],
  raw: unknown,
  doc: Document,
  lines: LineCounter,
): ConfigProblem[] {
  const fieldPath = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      line: lineOfKey(doc, lines, fieldPath, key) ?? lineOfPath(doc, lines, fieldPath),
      field: formatPath([...fieldPath, key]),
      expected: 'unknown key',
    }));
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // The branch that got deepest into the value is the one the user meant.
    const depth = (branch: Issue[]) => Math.max(...branch.map((i) => i.path.length));
    const deepest = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0] ?? [];
    if (depth(deepest) > 0)
      return deepest.flatMap((i) => explainIssue(i, fieldPath, raw, doc, lines));
    const value = valueAt(raw, fieldPath);
    const alternatives = issue.errors.map((branch) =>
      branch[0] ? expectedOnly(branch[0]) : 'something else',
    );
    return [
      {
        line: lineOfPath(doc, lines, fieldPath),
        field: formatPath(fieldPath),
        expected: `expected ${alternatives.join(' or ')}, got ${describeValue(value)}`,
      },
    ];
  }
  return [
    {
      line: lineOfPath(doc, lines, fieldPath),
      field: formatPath(fieldPath),
      expected: expectation(issue, valueAt(raw, fieldPath)),
    },
  ];
}

/** "expected a number, got "x"" — what the schema wanted and what the file holds. */
function expectation(issue: Issue, value: unknown): string {
  return `expected ${expectedOnly(issue)}, got ${describeValue(value)}`;
}

function expectedOnly(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const op =
        issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      if (issue.origin === 'string')
        return issue.code === 'too_small' && Number(bound) === 1
          ? 'a non-empty string'
          : `a string of length ${op} ${bound}`;
      if (issue.origin === 'array') return `a list with ${op} ${bound} items`;
      return `a number ${op} ${bound}`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? JSON.stringify(issue.values[0])
        : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      if ('options' in issue && Array.isArray(issue.options)) {
        return `one of ${issue.options.map((v) => JSON.stringify(v)).join(', ')}`;
      }
      return 'a different value';
    case 'not_multiple_of':
      return `a multiple of ${issue.divisor}`;
    default:
      return issue.message;
  }
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is required)';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a mapping';
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function valueAt(raw: unknown, fieldPath: readonly Key[]): unknown {
  let value = raw;
  for (const key of fieldPath) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<Key, unknown>)[key];
  }
  return value;
}

function formatPath(fieldPath: readonly Key[]): string {
  return fieldPath
    .map((key, i) =>
      typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`,
    )
    .join('');
}

/** Line of the YAML node at `fieldPath`, or of its nearest written ancestor (a missing field). */
function lineOfPath(
  doc: Document,
  lines: LineCounter,
  fieldPath: readonly Key[],
): number | undefined {
  for (let n = fieldPath.length; n > 0; n--) {
    const prefix = fieldPath.slice(0, n);
    // A map entry: the key's line (an empty value `k:` has a node that may start past it).
    const keyLine = lineOfKey(doc, lines, prefix.slice(0, -1), prefix[n - 1] as Key);
    if (keyLine !== undefined) return keyLine;
    // A list element: its own node.
    const node = doc.getIn(prefix, true) as { range?: [number, number, number] } | null | undefined;
    const offset = node?.range?.[0];
    if (offset !== undefined) return lines.linePos(offset).line;
  }
  return 1;
}

function lineOfKey(
  doc: Document,
  lines: LineCounter,
  parentPath: readonly Key[],
  key: Key,
): number | undefined {
  const { isMap, isScalar } = yaml();
  const parent = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find(
    (item) => isScalar(item.key) && String(item.key.value) === String(key),
  );
  const offset = pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

// ---- run snapshots ----

/**
 * Version of the config snapshot a run stores (`runs.config`). When the schema grows, raise
 * it and add a migration that writes the new fields with the values the older code used:
 * an old run must keep computing what it computed, never pick up a new default silently.
 */
export const SNAPSHOT_VERSION = 2;

type Raw = Record<string, unknown>;
const MIGRATIONS: Record<number, (raw: Raw) => Raw> = {
  // 1 → 2: fields added since take the values version 1 computed with where today's
  // defaults differ (temperatures per role became per task; no response_format, no
  // Teacher fallback at evaluation, no cap on problem text, no trainer phase limits);
  // every other new field's default changes nothing version 1 did.
  1: (raw) => {
    const roles = (raw.roles ?? {}) as Record<string, { temperature?: number } | undefined>;
    const { temperature: evaluationTemperature, ...evaluation } = (raw.evaluation ?? {}) as {
      temperature?: number;
    };
    const solver = roles.solver?.temperature ?? 0.8;
    const teacher = roles.teacher?.temperature ?? 0.1;
    const today = Config.parse({
      ...raw,
      roles: Object.fromEntries(
        Object.entries(roles).map(([role, settings]) => {
          const { temperature: _dropped, ...rest } = settings ?? {};
          return [role, rest];
        }),
      ),
      evaluation,
    });
    const noPhaseLimits = { loadingModel: 0, tokenizing: 0, training: 0, saving: 0 };
    const at = (temperature: number) => ({ temperature });
    return {
      ...today,
      roles: {
        solver: { ...today.roles.solver, structuredOutput: false },
        teacher: { ...today.roles.teacher, structuredOutput: false },
        generator: { ...today.roles.generator, structuredOutput: false },
      },
      tasks: {
        solve: at(solver),
        judge: at(teacher),
        selfVerify: at(teacher),
        referenceSolution: at(teacher),
        refine: at(teacher),
        harden: at(teacher),
        evaluate: at(evaluationTemperature ?? 0.7),
      },
      evaluation: { ...today.evaluation, teacherFallback: false },
      loop: {
        ...today.loop,
        admission: { ...today.loop.admission, maxProblemChars: Number.MAX_SAFE_INTEGER },
      },
      trainer: {
        solver: { ...today.trainer.solver, phaseTimeoutSeconds: noPhaseLimits },
        generator: { ...today.trainer.generator, phaseTimeoutSeconds: noPhaseLimits },
      },
    };
  },
};

/** What a run stores: the whole config (every default written out) and its version. */
export function configSnapshot(config: Config): Raw {
  return { ...config, snapshotVersion: SNAPSHOT_VERSION };
}

/**
 * A run's stored config, migrated to today's schema. Fails when today's schema would fill
 * in a default the snapshot never had (a missing migration), rather than change the run.
 */
export function loadSnapshot(stored: unknown, label = 'run config snapshot'): Config {
  const { snapshotVersion, ...rest } = stored as Raw & { snapshotVersion?: number };
  let raw: Raw = rest;
  const from = snapshotVersion ?? 1; // version 1 had no version field
  if (from > SNAPSHOT_VERSION)
    throw new ConfigError(label, [
      {
        expected: `snapshot version ${from} is newer than this code (${SNAPSHOT_VERSION}): upgrade socratic`,
      },
    ]);
  for (let v = from; v < SNAPSHOT_VERSION; v++) raw = MIGRATIONS[v]!(raw);
  const parsed = Config.safeParse(raw);
  if (!parsed.success)
    throw new ConfigError(
      label,
      parsed.error.issues.map((i) => ({ field: formatPath(i.path), expected: i.message })),
    );
  const defaulted = leafPaths(parsed.data).filter((leaf) => !leafPaths(raw).includes(leaf));
  if (defaulted.length > 0)
    throw new ConfigError(label, [
      {
        expected: `version ${from} has no ${defaulted.join(', ')}: a snapshot migration is missing (config/load.ts)`,
      },
    ]);
  return parsed.data;
}

/** Dotted paths of every set leaf; lists count as leaves. */
export function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === undefined) return [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) =>
    leafPaths(inner, prefix ? `${prefix}.${key}` : key),
  );
}
