// Everything the worker's workflow bundle holds.
export { refreshWorkflow } from './refresh';
export { roundWorkflow } from './round';
export { runWorkflow } from './run';
