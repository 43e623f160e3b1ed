// The verifier on every reference answer of the full benchmark files (../shared/data/bench).
// Run by npm test only when that folder is present; .ci/run requires it.
import { sharedDataFile } from '../../data/shared-data';
import { describeCorpus } from './corpus-checks';

describeCorpus('benchmark corpus', () => sharedDataFile('bench'), {
  math500: 500,
  gsm8k: 1319,
  aime24: 30,
  amc23: 40,
  minerva: 272,
  olympiadbench: 675,
});
