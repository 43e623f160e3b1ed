// The trainer contract (SPEC §5): the manifest a trainer reads, the JSON lines it
// prints on stdout, the result file it leaves and the exit codes it may use.
// The Python reference trainers and the lab's simulated trainer speak the same.
import { z } from 'zod';

export const TrainerManifest = z.object({
  kind: z.enum(['dpo', 'wsft']),
  runId: z.string().min(1),
  round: z.number().int().nonnegative(),
  role: z.enum(['solver', 'generator']),
  baseModel: z.string().min(1),
  /** DPO only: the reference policy; defaults to the base model. */
  referenceModel: z.string().min(1).optional(),
  dataset: z.object({ train: z.string().min(1), validation: z.string().min(1).optional() }),
  hyperparameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
  outputDir: z.string().min(1),
  seed: z.number().int(),
});
export type TrainerManifest = z.infer<typeof TrainerManifest>;

/**
 * What a trainer is doing. Printed when a phase begins and repeated while it runs (a
 * ticker), so that a long model load or a long step is not mistaken for a hang; each phase
 * has its own time limit (`trainer.*.phaseTimeoutSeconds`; for `training`, per step).
 */
export const TRAINER_PHASES = ['loading-model', 'tokenizing', 'training', 'saving'] as const;
export type TrainerPhase = (typeof TRAINER_PHASES)[number];

export const ProgressEvent = z.discriminatedUnion('event', [
  z.object({ event: z.literal('phase'), phase: z.enum(TRAINER_PHASES) }),
  z.object({
    event: z.literal('progress'),
    step: z.number().int().nonnegative(),
    totalSteps: z.number().int().nonnegative().optional(),
    metrics: z.record(z.string(), z.number()).default({}),
  }),
  z.object({
    event: z.literal('checkpoint'),
    step: z.number().int().nonnegative(),
    path: z.string(),
  }),
  z.object({
    event: z.literal('done'),
    model: z.string(),
    steps: z.number().int().nonnegative(),
    metrics: z.record(z.string(), z.number()).default({}),
  }),
]);
export type ProgressEvent = z.infer<typeof ProgressEvent>;

/** `<outputDir>/result.json`. */
export const TrainerResult = z.object({
  model: z.string().min(1),
  steps: z.number().int().positive(),
  metrics: z.record(z.string(), z.number()).default({}),
});
export type TrainerResult = z.infer<typeof TrainerResult>;

export const EXIT = { ok: 0, retryable: 75, badData: 65, badConfig: 78 } as const;
