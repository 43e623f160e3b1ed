// The simulated lab (SPEC §8): what the rest of the orchestrator uses.
export { labServeCommand } from './cli';
export { DEFAULT_KNOBS, type Knobs, resolveKnobs } from './knobs';
export { BASE_MODEL, BASE_SOLVER_SKILLS, type ModelFile, readModelFile } from './models';
export {
  brokenVariant,
  generateProblem,
  harderVariant,
  type Problem,
  parseProblem,
  TOPICS,
  type Topic,
  targetedVariant,
} from './problems';
export { type Lab, type LabOptions, startLab } from './server';
export { labEvalSet, labSeedSet, writeLabSets } from './sets';
export { labTrainerCommand } from './trainer';
