export { InvalidManifestError, parseManifest, readManifest, writeManifest } from './manifest-file';
export {
  anyAlive,
  isGroupAlive,
  isProcessAlive,
  ProcessTree,
  signalGroup,
  terminateProcesses,
} from './process-group';
export { parseProgressLine, type RunTrainerOptions, resultPath, runTrainer } from './run-trainer';
export {
  phaseTimeouts,
  type TrainActivityInput,
  type TrainingHeartbeat,
  trainActivity,
} from './train-activity';
export { classifyExitCode, TrainerFailure, type TrainerFailureType } from './trainer-failure';
