// Fault and realism knobs of the simulated lab; defaults come from config `lab`.
import { Config } from '../config/schema';

export interface Knobs {
  /** Probability that the Teacher's verdict on one answer is flipped. */
  judgeErrorRate: number;
  /** Probability that a written problem states a wrong answer. */
  brokenProblemRate: number;
  /** Probability that a Teacher/Generator reply is not valid JSON (truncated). */
  malformedJsonRate: number;
  /** Probability that a chat request gets HTTP 429 or 500 instead of an answer. */
  httpErrorRate: number;
  /** Added to every chat request. */
  latencyMs: number;
  /** Probability that a chat request hangs until the client gives up. */
  timeoutRate: number;
}

const labDefaults = Config.parse({}).lab;

export const DEFAULT_KNOBS: Knobs = {
  judgeErrorRate: labDefaults.judgeErrorRate,
  brokenProblemRate: labDefaults.brokenProblemRate,
  malformedJsonRate: labDefaults.malformedJsonRate,
  httpErrorRate: labDefaults.httpErrorRate,
  latencyMs: labDefaults.latencyMs,
  timeoutRate: 0,
};

export function resolveKnobs(knobs: Partial<Knobs> = {}): Knobs {
  const defined = Object.fromEntries(Object.entries(knobs).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_KNOBS, ...defined };
}
