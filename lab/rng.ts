// Seeded randomness for the lab: every draw is a hash of what it depends on, so
// the lab is deterministic and stateless (no Math.random, no hidden counters).
import { createHash } from 'node:crypto';

export type HashPart = string | number | boolean | null | undefined;

/** A uniform number in [0, 1) drawn from sha256 of the parts. */
export function uniform(...parts: HashPart[]): number {
  const digest = createHash('sha256').update(parts.map(String).join('\u241f')).digest();
  // 48 bits: exact in a double, far more resolution than any probability here needs.
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A stream of uniforms keyed by its parts; the n-th draw is uniform(...parts, n). */
export class Rng {
  private counter = 0;
  private readonly key: string;

  constructor(...parts: HashPart[]) {
    this.key = parts.map(String).join('\u241f');
  }

  next(): number {
    return uniform(this.key, this.counter++);
  }

  /** An integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** A child stream, independent of this one's position. */
  fork(...parts: HashPart[]): Rng {
    return new Rng(this.key, ...parts);
  }
}
