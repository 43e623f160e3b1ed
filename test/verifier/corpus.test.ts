// The verifier on the benchmark excerpts under test/fixtures/data (the full files:
// corpus.shared-data.test.ts).
import path from 'node:path';
import { FIXTURE_DATA } from '../../data/shared-data';
import { describeCorpus } from './corpus-checks';

describeCorpus('benchmark excerpts', () => path.join(FIXTURE_DATA, 'bench'), {
  math500: 20,
  gsm8k: 20,
  aime24: 10,
  amc23: 20,
  minerva: 20,
  olympiadbench: 20,
});
