// The Generator's behaviour model: it writes a problem on the topic of the failed
// one. Untrained, its difficulty is a guess (uniform 1–5); training raises its
// calibration, the chance that it aims at the difficulty its training data
// rewarded — where the Solver succeeds about half the time.
import type { NewProblemReply } from '../prompts/replies';
import type { Sections } from '../prompts/sections';
import type { Knobs } from './knobs';
import type { LabModel } from './models';
import { clampDifficulty, generateProblem } from './problems';
import type { Rng } from './rng';
import { sourceProblem, writtenProblem } from './teacher';

export function chooseDifficulty(
  model: LabModel,
  topic: keyof LabModel['skills'],
  sourceDifficulty: number,
  rng: Rng,
): number {
  if (!rng.chance(model.calibration)) return rng.int(1, 5);
  const target = model.targetDifficulty[topic] ?? sourceDifficulty;
  // Aim at the target, rounding stochastically so e.g. 2.5 gives 2 and 3 alike.
  const base = Math.floor(target);
  return clampDifficulty(rng.chance(target - base) ? base + 1 : base);
}

export function generate(
  model: LabModel,
  sections: Sections,
  knobs: Knobs,
  rng: Rng,
): NewProblemReply {
  const source = sourceProblem(sections, rng.fork('source'));
  const difficulty = chooseDifficulty(
    model,
    source.topic,
    source.difficulty,
    rng.fork('difficulty'),
  );
  return writtenProblem(generateProblem(source.topic, difficulty, rng.fork('problem')), knobs, rng);
}
