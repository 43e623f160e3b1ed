export { runDeployCommand, substitutePlaceholders } from './deploy-command';
export { type HandoffOptions, handoffModel } from './handoff';
export { HandoffError } from './handoff-error';
export {
  type ListedModel,
  listModels,
  loadLoraAdapter,
  type ServerOptions,
} from './openai-models';
