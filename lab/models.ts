// The lab's models: three base models and the adapters the simulated trainer
// writes. A model file is all the server needs to serve a trained model.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { TOPICS, type Topic } from './form';

export const BASE_MODEL = {
  solver: 'lab-solver',
  teacher: 'lab-teacher',
  generator: 'lab-generator',
} as const;
export type LabRole = keyof typeof BASE_MODEL;

export type Skills = Record<Topic, number>;

/**
 * The base Solver's latent skill per topic, on the difficulty scale (1–5): at
 * skill = difficulty it is right half the time. Tuned so that accuracy on the
 * lab's evaluation set (difficulties 1–5 evenly) starts near 40%.
 */
export const BASE_SOLVER_SKILLS: Skills = {
  arithmetic: 3.2,
  algebra: 2.8,
  'number-theory': 2.4,
  counting: 2.0,
  geometry: 2.6,
  probability: 1.8,
  sequences: 2.4,
};

/** The Teacher solves nearly everything. */
export const TEACHER_SKILLS: Skills = Object.fromEntries(TOPICS.map((t) => [t, 9])) as Skills;
/** The base Generator is a mid-size model: a middling solver. */
export const GENERATOR_SKILLS: Skills = Object.fromEntries(TOPICS.map((t) => [t, 2.5])) as Skills;

const SkillsSchema = z
  .partialRecord(z.enum(TOPICS), z.number().finite())
  .transform((partial) => ({ ...BASE_SOLVER_SKILLS, ...partial }) as Skills);

export const SolverModelFile = z.object({
  role: z.literal('solver'),
  parent: z.string().nullable().default(null),
  skills: SkillsSchema,
});

export const GeneratorModelFile = z.object({
  role: z.literal('generator'),
  parent: z.string().nullable().default(null),
  /** 0 = picks difficulty at random; 1 = always aims at the Solver's frontier. */
  calibration: z.number().min(0).max(1),
  /** The difficulty per topic its training data rewarded (where the Solver succeeds about half the time). */
  targetDifficulty: z.partialRecord(z.enum(TOPICS), z.number().finite()).default({}),
});

export const ModelFile = z.discriminatedUnion('role', [SolverModelFile, GeneratorModelFile]);
export type ModelFile = z.infer<typeof ModelFile>;

export interface LabModel {
  id: string;
  role: LabRole;
  skills: Skills;
  calibration: number;
  targetDifficulty: Partial<Record<Topic, number>>;
  /** The model file an adapter was loaded from. */
  path?: string;
  parent?: string | null;
}

export function baseModels(): LabModel[] {
  return [
    {
      id: BASE_MODEL.solver,
      role: 'solver',
      skills: BASE_SOLVER_SKILLS,
      calibration: 0,
      targetDifficulty: {},
    },
    {
      id: BASE_MODEL.teacher,
      role: 'teacher',
      skills: TEACHER_SKILLS,
      calibration: 0,
      targetDifficulty: {},
    },
    {
      id: BASE_MODEL.generator,
      role: 'generator',
      skills: GENERATOR_SKILLS,
      calibration: 0,
      targetDifficulty: {},
    },
  ];
}

/** A trainer output directory or the model.json in it. */
export function modelFilePath(path: string): string {
  return existsSync(path) && statSync(path).isDirectory() ? join(path, 'model.json') : path;
}

/** Reads and validates a model file; throws an Error whose message says what is wrong. */
export function readModelFile(path: string): ModelFile {
  const file = modelFilePath(path);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `no model file at ${file}`
        : `cannot read ${file}: ${(error as Error).message}`,
    );
  }
  const parsed = ModelFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(
      `invalid model file ${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  return parsed.data;
}

export function adapterModel(id: string, path: string, file: ModelFile): LabModel {
  if (file.role === 'solver') {
    return {
      id,
      role: 'solver',
      skills: file.skills,
      calibration: 0,
      targetDifficulty: {},
      path,
      parent: file.parent,
    };
  }
  return {
    id,
    role: 'generator',
    skills: GENERATOR_SKILLS,
    calibration: file.calibration,
    targetDifficulty: file.targetDifficulty,
    path,
    parent: file.parent,
  };
}
