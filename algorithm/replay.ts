// SPEC §3 step 1: the round set.
import { seededShuffle } from './random';

export interface RoundSetInput {
  round: number;
  seed: number;
  replayRatio: number;
  /** Round 1: the seeds. Later: problems admitted in the previous round. */
  fresh: readonly string[];
  /** Active problems added before the previous round (candidates for replay). */
  older: readonly string[];
}

export interface RoundSet {
  fresh: string[];
  replay: string[];
}

export function replayCount(freshCount: number, replayRatio: number, available: number): number {
  return Math.min(available, Math.round(replayRatio * freshCount));
}

export function roundSet(input: RoundSetInput): RoundSet {
  const fresh = [...input.fresh].sort();
  if (input.round === 1) return { fresh, replay: [] };
  const count = replayCount(fresh.length, input.replayRatio, input.older.length);
  const replay = seededShuffle(input.older, `${input.seed}:replay:${input.round}`)
    .slice(0, count)
    .sort();
  return { fresh, replay };
}
