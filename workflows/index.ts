// Everything the worker's workflow bundle holds.
export { roundWorkflow } from './round';
export { runWorkflow } from './run';
