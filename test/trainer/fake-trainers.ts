// Test helpers: a fresh output directory and manifest per test, and the argv of a
// fake trainer from test/fixtures/trainers.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeManifest } from '../../activities/trainer';
import type { TrainerManifest } from '../../contracts/trainer';

const FIXTURES = resolve(__dirname, '../fixtures/trainers');

export function fakeTrainer(name: string): string[] {
  return [process.execPath, join(FIXTURES, `${name}.js`)];
}

export async function freshManifest(
  hyperparameters: TrainerManifest['hyperparameters'] = {},
): Promise<TrainerManifest> {
  const outputDir = await mkdtemp(join(tmpdir(), 'socratic-trainer-test-'));
  return {
    kind: 'dpo',
    runId: 'test-run',
    round: 1,
    role: 'solver',
    baseModel: 'lab-solver',
    dataset: { train: join(outputDir, 'train.jsonl') },
    hyperparameters,
    outputDir,
    seed: 1,
  };
}

/** A manifest written to <outputDir>/manifest.json, as trainActivity does. */
export async function manifestOnDisk(
  hyperparameters: TrainerManifest['hyperparameters'] = {},
): Promise<{ manifest: TrainerManifest; manifestPath: string }> {
  const manifest = await freshManifest(hyperparameters);
  const manifestPath = join(manifest.outputDir, 'manifest.json');
  await writeManifest(manifest, manifestPath);
  return { manifest, manifestPath };
}

/** One object per trainer start, from <outputDir>/runs.jsonl. */
export async function trainerRuns(outputDir: string): Promise<Record<string, unknown>[]> {
  try {
    const text = await readFile(join(outputDir, 'runs.jsonl'), 'utf8');
    return text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
  } catch {
    return [];
  }
}

export interface LauncherPids {
  launcher: number;
  workers: number[];
  helpers: number[];
}

export async function launcherPids(outputDir: string): Promise<LauncherPids> {
  return JSON.parse(await readFile(join(outputDir, 'pids.json'), 'utf8'));
}
