// SPEC §3 steps 8 and 12, §4: when the Generator trains, who writes a refinement, how
// well a writer's problems do, and which probed problems a refresh keeps.

/**
 * The rounds of data the Generator trains on in `round`, or null when it does not train.
 * Round t's weights are known only after round t+1's sampling, so round t trains on
 * rounds (lastDataRound, t-1], every `trainEvery` rounds from round 2 on.
 */
export function generatorDataRounds(
  round: number,
  trainEvery: number,
  lastDataRound: number,
): [number, number] | null {
  if (trainEvery <= 0 || round < 2 || (round - 1) % trainEvery !== 0) return null;
  const last = round - 1;
  return lastDataRound < last ? [lastDataRound + 1, last] : null;
}

export type ProblemWriter = 'teacher' | 'generator' | 'mixed';

/**
 * Who writes one refinement: harder variants stay the Teacher's (the Generator is distilled
 * on failure-targeted writing only); `draw` is a seeded uniform in [0, 1) for `mixed`.
 */
export function writerOf(
  policy: ProblemWriter,
  generatorShare: number,
  mode: 'targeted' | 'harder',
  draw: number,
): 'teacher' | 'generator' {
  if (mode === 'harder' || policy === 'teacher') return 'teacher';
  if (policy === 'generator') return 'generator';
  return draw < generatorShare ? 'generator' : 'teacher';
}

export const inBand = (rate: number, [low, high]: readonly [number, number]) =>
  rate >= low && rate <= high;

export interface WrittenProblem {
  /** Passed admission and was never dropped by the Teacher's self-verification. */
  valid: boolean;
  /** The Solver's success rate on it once measured, else null. */
  measuredSuccessRate: number | null;
}

export interface WriterFigures {
  written: number;
  valid: number;
  /** valid / written. */
  validity: number | null;
  measured: number;
  calibrated: number;
  /** calibrated / measured: the share whose measured success rate lands in the band. */
  calibration: number | null;
}

export function writerFigures(
  problems: readonly WrittenProblem[],
  band: readonly [number, number],
): WriterFigures {
  const valid = problems.filter((p) => p.valid);
  const measured = valid.filter((p) => p.measuredSuccessRate !== null);
  const calibrated = measured.filter((p) => inBand(p.measuredSuccessRate!, band)).length;
  return {
    written: problems.length,
    valid: valid.length,
    validity: problems.length ? valid.length / problems.length : null,
    measured: measured.length,
    calibrated,
    calibration: measured.length ? calibrated / measured.length : null,
  };
}

/** A probed refresh problem: kept inside the band, else below or above it. */
export function probeVerdict(
  rate: number,
  band: readonly [number, number],
): 'kept' | 'below-band' | 'above-band' {
  if (rate < band[0]) return 'below-band';
  if (rate > band[1]) return 'above-band';
  return 'kept';
}
