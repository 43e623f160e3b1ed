// The simulated trainer: a real subprocess that honours contracts/trainer.ts.
//   node --import tsx lab/trainer.ts --manifest <path>
// It validates the manifest (exit 78) and the dataset (exit 65), prints progress,
// checkpoints and resumes like a real trainer, and writes a lab model file whose
// skills (Solver) or calibration (Generator) come from lab/training.ts.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { runContentKey } from '../algorithm/random';
import {
  EXIT,
  type ProgressEvent,
  TrainerManifest,
  type TrainerResult,
} from '../contracts/trainer';
import { writeFileAtomicSync } from '../system/files';
import {
  BASE_MODEL,
  BASE_SOLVER_SKILLS,
  type ModelFile,
  readModelFile,
  type Skills,
} from './models';
import { parseProblem } from './problems';
import { sha256, uniform } from './rng';
import {
  type PairTopic,
  targetDifficulty,
  trainedCalibration,
  trainedSkills,
  type WeightedExample,
} from './training';

/** argv that runs this trainer (append `--manifest <path>`); works from any working directory. */
export function labTrainerCommand(): string[] {
  // Compiled (dist/lab/trainer.js): plain node; from the sources (tests, tsx): through tsx.
  if (__filename.endsWith('.js')) return [process.execPath, __filename];
  return [
    process.execPath,
    '--import',
    pathToFileURL(require.resolve('tsx')).href,
    resolve(__dirname, 'trainer.ts'),
  ];
}

class TrainerError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}
const badConfig = (message: string) => new TrainerError(EXIT.badConfig, message);
const badData = (message: string) => new TrainerError(EXIT.badData, message);

function emit(event: ProgressEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomicSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

function loadManifest(path: string): TrainerManifest {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw badConfig(`manifest ${path}: ${(error as Error).message}`);
  }
  const parsed = TrainerManifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badConfig(
      `manifest ${path}: field ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  const manifest = parsed.data;
  // DPO trains the Solver; weighted SFT the Generator, or the Solver's warm start (round 0).
  if (manifest.kind === 'dpo' && manifest.role !== 'solver') {
    throw badConfig(
      `manifest ${path}: field role: kind dpo trains a solver, not a ${manifest.role}`,
    );
  }
  return manifest;
}

/** A positive integer hyperparameter, or exit 78 naming it. */
function intParam(manifest: TrainerManifest, name: string, fallback: number, min = 1): number {
  const value = manifest.hyperparameters[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw badConfig(
      `manifest field hyperparameters.${name}: expected an integer >= ${min}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function numberParam(manifest: TrainerManifest, name: string, fallback: number): number {
  const value = manifest.hyperparameters[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw badConfig(
      `manifest field hyperparameters.${name}: expected a number >= 0, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

// TRL accepts plain strings or conversational message lists for chosen/rejected.
const Text = z.union([
  z.string(),
  z.array(z.object({ role: z.string(), content: z.string() }).loose()),
]);
const DpoLine = z.object({ prompt: Text, chosen: Text, rejected: Text });
const WsftLine = z.object({
  prompt: Text,
  completion: Text,
  weight: z.number().finite().nonnegative(),
});

const asText = (t: z.infer<typeof Text>) =>
  typeof t === 'string' ? t : t.map((m) => m.content).join('\n');

function readJsonl<T>(
  path: string,
  schema: z.ZodType<T>,
  field: string,
): { rows: T[]; text: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw badData(`${field} ${path}: ${(error as Error).message}`);
  }
  const rows: T[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw badData(`${path}:${i + 1}: not JSON: ${(error as Error).message}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw badData(
        `${path}:${i + 1}: field ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      );
    }
    rows.push(parsed.data);
  });
  return { rows, text };
}

/** The problem a completion wrote: a NewProblemReply JSON, or plain text containing it. */
function completionProblem(completion: string) {
  try {
    const json = JSON.parse(completion) as { problem?: unknown };
    if (typeof json.problem === 'string') return parseProblem(json.problem);
  } catch {
    // not JSON: search the text itself
  }
  return parseProblem(completion);
}

function baseModelFile(manifest: TrainerManifest): ModelFile {
  const base = manifest.baseModel;
  if (base === BASE_MODEL.solver)
    return { role: 'solver', parent: null, skills: BASE_SOLVER_SKILLS };
  if (base === BASE_MODEL.generator)
    return { role: 'generator', parent: null, calibration: 0, targetDifficulty: {} };
  if (!existsSync(base)) {
    // A name the lab does not know (e.g. an adapter name): train from the base model, loudly.
    process.stderr.write(
      `warning: baseModel ${base} is not a lab model file; training from the base ${manifest.role}\n`,
    );
    return manifest.role === 'solver'
      ? { role: 'solver', parent: null, skills: BASE_SOLVER_SKILLS }
      : { role: 'generator', parent: null, calibration: 0, targetDifficulty: {} };
  }
  let file: ModelFile;
  try {
    file = readModelFile(base);
  } catch (error) {
    throw badConfig(`manifest field baseModel: ${(error as Error).message}`);
  }
  if (file.role !== manifest.role)
    throw badConfig(
      `manifest field baseModel: ${base} is a ${file.role} model, not a ${manifest.role}`,
    );
  return file;
}

interface Checkpoint {
  step: number;
  totalSteps: number;
  dataset: string;
}

/** The latest checkpoint of this very dataset in outputDir, if any. */
function latestCheckpoint(
  outputDir: string,
  dataset: string,
  totalSteps: number,
): Checkpoint | null {
  if (!existsSync(outputDir)) return null;
  const steps = readdirSync(outputDir)
    .map((name) => /^checkpoint-(\d+)\.json$/.exec(name)?.[1])
    .filter((s): s is string => s !== undefined)
    .map(Number)
    .sort((a, b) => b - a);
  for (const step of steps) {
    try {
      const checkpoint = JSON.parse(
        readFileSync(join(outputDir, `checkpoint-${step}.json`), 'utf8'),
      ) as Checkpoint;
      if (checkpoint.dataset === dataset && checkpoint.step === step && step <= totalSteps)
        return checkpoint;
    } catch {
      // a torn or foreign file: look at older ones
    }
  }
  return null;
}

/** A plausible training curve: the loss falls from ln 2 as steps go by, with a little seeded noise. */
function stepMetrics(
  manifest: TrainerManifest,
  step: number,
  totalSteps: number,
): Record<string, number> {
  const progress = step / totalSteps;
  // Keyed by the run's content part: the same run in another database trains the same curve.
  const run = runContentKey(manifest.runId);
  const noise = (uniform(manifest.seed, run, manifest.round, 'loss', step) - 0.5) * 0.04;
  const loss = Number((Math.LN2 * Math.exp(-1.5 * progress) + noise).toFixed(4));
  const lr = numberParam(manifest, 'learning_rate', manifest.kind === 'dpo' ? 5e-6 : 1e-5);
  if (manifest.kind === 'wsft') return { loss, learning_rate: lr };
  return {
    loss,
    'rewards/accuracies': Number((0.5 + 0.45 * progress).toFixed(4)),
    'rewards/margins': Number((1.2 * progress).toFixed(4)),
    learning_rate: lr,
  };
}

interface Plan {
  examples: number;
  /** What the model becomes, and metrics describing the data. */
  model: ModelFile;
  dataMetrics: Record<string, number>;
  datasetHash: string;
}

function plan(manifest: TrainerManifest): Plan {
  const base = baseModelFile(manifest);
  const parent = manifest.baseModel;
  if (manifest.dataset.validation !== undefined) {
    const schema: z.ZodType<unknown> = manifest.kind === 'dpo' ? DpoLine : WsftLine;
    readJsonl(manifest.dataset.validation, schema, 'dataset.validation');
  }
  if (manifest.kind === 'dpo' && base.role === 'solver') {
    const { rows, text } = readJsonl(manifest.dataset.train, DpoLine, 'dataset.train');
    if (rows.length === 0)
      throw badData(`${manifest.dataset.train}: no preference pairs: nothing to train on`);
    const covered: PairTopic[] = rows.flatMap((row) => {
      const problem = parseProblem(asText(row.prompt));
      return problem ? [{ topic: problem.topic, difficulty: problem.difficulty }] : [];
    });
    const gain = numberParam(manifest, 'skill_gain', Number.NaN);
    const skills: Skills = trainedSkills(
      base.skills,
      covered,
      Number.isNaN(gain) ? undefined : gain,
    );
    return {
      examples: rows.length,
      model: { role: 'solver', parent, skills },
      dataMetrics: { pairs: rows.length, lab_pairs: covered.length },
      datasetHash: sha256(text),
    };
  }
  if (manifest.kind === 'wsft' && base.role === 'solver') {
    // The warm start: SFT on worked solutions teaches the topics of their problems.
    const { rows, text } = readJsonl(manifest.dataset.train, WsftLine, 'dataset.train');
    if (rows.length === 0)
      throw badData(`${manifest.dataset.train}: no worked solutions: nothing to train on`);
    const covered: PairTopic[] = rows.flatMap((row) => {
      const problem = parseProblem(asText(row.prompt));
      return problem && row.weight > 0
        ? [{ topic: problem.topic, difficulty: problem.difficulty }]
        : [];
    });
    const gain = numberParam(manifest, 'skill_gain', Number.NaN);
    return {
      examples: rows.length,
      model: {
        role: 'solver',
        parent,
        skills: trainedSkills(base.skills, covered, Number.isNaN(gain) ? undefined : gain),
      },
      dataMetrics: { examples: rows.length, lab_examples: covered.length },
      datasetHash: sha256(text),
    };
  }
  if (base.role !== 'generator') throw badConfig('manifest field baseModel: not a generator model');
  const { rows, text } = readJsonl(manifest.dataset.train, WsftLine, 'dataset.train');
  if (rows.length === 0)
    throw badData(`${manifest.dataset.train}: no examples: nothing to train on`);
  const examples: WeightedExample[] = rows.flatMap((row) => {
    const problem = completionProblem(asText(row.completion));
    return problem
      ? [{ topic: problem.topic, difficulty: problem.difficulty, weight: row.weight }]
      : [];
  });
  const calibration = trainedCalibration(base.calibration, examples);
  return {
    examples: rows.length,
    model: {
      role: 'generator',
      parent,
      calibration,
      targetDifficulty: targetDifficulty(base.targetDifficulty, examples),
    },
    dataMetrics: {
      examples: rows.length,
      total_weight: Number(rows.reduce((s, r) => s + r.weight, 0).toFixed(4)),
      calibration,
    },
    datasetHash: sha256(text),
  };
}

export async function runTrainer(manifestPath: string): Promise<number> {
  const manifest = loadManifest(manifestPath);
  const batchSize = intParam(manifest, 'batch_size', 8);
  const saveSteps = intParam(manifest, 'save_steps', 5);
  const stepMs = intParam(manifest, 'step_ms', 20, 0);
  // The phases a real trainer reports (it repeats them while busy; these are instant).
  emit({ event: 'phase', phase: 'loading-model' });
  emit({ event: 'phase', phase: 'tokenizing' });
  const { examples, model, dataMetrics, datasetHash } = plan(manifest);
  const totalSteps = Math.ceil(examples / batchSize);
  const outputDir = resolve(manifest.outputDir);
  mkdirSync(outputDir, { recursive: true });

  const resumed = latestCheckpoint(outputDir, datasetHash, totalSteps);
  if (resumed) process.stderr.write(`resuming from checkpoint ${resumed.step} of ${totalSteps}\n`);
  let metrics: Record<string, number> = {};
  emit({ event: 'phase', phase: 'training' });
  for (let step = (resumed?.step ?? 0) + 1; step <= totalSteps; step++) {
    if (stepMs > 0) await sleep(stepMs);
    metrics = stepMetrics(manifest, step, totalSteps);
    emit({ event: 'progress', step, totalSteps, metrics });
    if (step % saveSteps === 0) {
      const path = join(outputDir, `checkpoint-${step}.json`);
      writeJsonAtomic(path, { step, totalSteps, dataset: datasetHash } satisfies Checkpoint);
      emit({ event: 'checkpoint', step, path });
    }
  }

  emit({ event: 'phase', phase: 'saving' });
  const modelPath = join(outputDir, 'model.json');
  writeJsonAtomic(modelPath, model);
  const finalMetrics = { ...stepMetrics(manifest, totalSteps, totalSteps), ...dataMetrics };
  const result: TrainerResult = { model: modelPath, steps: totalSteps, metrics: finalMetrics };
  writeJsonAtomic(join(outputDir, 'result.json'), result);
  emit({ event: 'done', model: modelPath, steps: totalSteps, metrics: finalMetrics });
  return EXIT.ok;
}

function manifestArg(argv: string[]): string | null {
  const i = argv.indexOf('--manifest');
  if (i >= 0) return argv[i + 1] ?? null;
  return argv.find((a) => a.startsWith('--manifest='))?.slice('--manifest='.length) ?? null;
}

async function main(): Promise<void> {
  const path = manifestArg(process.argv.slice(2));
  if (!path) {
    process.stderr.write('usage: trainer.ts --manifest <path>\n');
    process.exit(EXIT.badConfig);
  }
  try {
    process.exitCode = await runTrainer(path);
  } catch (error) {
    const code = error instanceof TrainerError ? error.exitCode : 1;
    process.stderr.write(`error: ${(error as Error).message}\n`);
    process.exitCode = code;
  }
}

if (require.main === module) void main();
