// What simulated training does to a model (pure; lab/trainer.ts is the process).
//
// DPO: each preference pair teaches the Solver about its problem's topic, most when
// the problem sits near the Solver's skill (pairs far above or below it teach
// little): effective pairs = Σ exp(−(difficulty − skill)² / 2). A topic's skill then
// rises by SKILL_GAIN · (1 − exp(−effective / PAIRS_SCALE)): more pairs, more gain,
// with diminishing returns. A round of the loop (hundreds of pairs) adds about half
// a difficulty level per topic, i.e. roughly +10 points of evaluation accuracy.
//
// WSFT: the Generator's calibration rises with the total weight U(q′) of its data,
// calibration = 1 − (1 − parent) · exp(−W / WEIGHT_SCALE), and it learns the
// difficulty per topic that its high-weight examples had (where the Solver
// succeeded about half the time).
import { TOPICS, type Topic } from './form';
import type { Skills } from './models';

export const SKILL_GAIN = 0.6;
export const PAIRS_SCALE = 40;
export const WEIGHT_SCALE = 15;

export interface PairTopic {
  topic: Topic;
  difficulty: number;
}

export function effectivePairs(skills: Skills, pairs: PairTopic[]): Record<Topic, number> {
  const effective = Object.fromEntries(TOPICS.map((t) => [t, 0])) as Record<Topic, number>;
  for (const pair of pairs)
    effective[pair.topic] += Math.exp(-((pair.difficulty - skills[pair.topic]) ** 2) / 2);
  return effective;
}

export function trainedSkills(skills: Skills, pairs: PairTopic[], gain = SKILL_GAIN): Skills {
  const effective = effectivePairs(skills, pairs);
  return Object.fromEntries(
    TOPICS.map((t) => [
      t,
      Number((skills[t] + gain * (1 - Math.exp(-effective[t] / PAIRS_SCALE))).toFixed(4)),
    ]),
  ) as Skills;
}

export interface WeightedExample extends PairTopic {
  weight: number;
}

export function trainedCalibration(parent: number, examples: WeightedExample[]): number {
  const total = examples.reduce((sum, e) => sum + e.weight, 0);
  return Number((1 - (1 - parent) * Math.exp(-total / WEIGHT_SCALE)).toFixed(4));
}

/** Weighted mean difficulty per topic of the examples; topics without weight keep the parent's target. */
export function targetDifficulty(
  parent: Partial<Record<Topic, number>>,
  examples: WeightedExample[],
): Partial<Record<Topic, number>> {
  const target: Partial<Record<Topic, number>> = { ...parent };
  for (const topic of TOPICS) {
    const mine = examples.filter((e) => e.topic === topic);
    const weight = mine.reduce((sum, e) => sum + e.weight, 0);
    if (weight > 1e-9)
      target[topic] = Number(
        (mine.reduce((s, e) => s + e.weight * e.difficulty, 0) / weight).toFixed(3),
      );
  }
  return target;
}
