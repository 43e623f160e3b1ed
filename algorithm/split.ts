// SPEC §3 step 6: the 90/10 train/validation split, decided per pair by a hash so
// it does not depend on the order rows come back from the database.
import { uniform } from './random';

export function splitOf(pairKey: string, validationFraction: number): 'train' | 'validation' {
  return uniform('split', pairKey) < validationFraction ? 'validation' : 'train';
}
