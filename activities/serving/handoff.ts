// SPEC §6: after training, make the new model servable and return the name to sample from.
import { setTimeout as sleep } from 'node:timers/promises';
import { runDeployCommand, substitutePlaceholders } from './deploy-command';
import { HandoffError } from './handoff-error';
import { type ListedModel, listModels, loadLoraAdapter, type ServerOptions } from './openai-models';

export interface HandoffOptions {
  mode: 'static' | 'vllm-lora' | 'command';
  /** OpenAI-compatible base URL, ending in /v1. */
  baseUrl: string;
  apiKey?: string;
  /** The name to serve the model under (the LoRA adapter name in vllm-lora mode). */
  modelName: string;
  /** Where the trainer left the model (TrainerResult.model). */
  modelPath: string;
  /** command mode: argv with `{model}` and `{path}` placeholders. */
  command?: string[];
  /** For the whole handoff: loading or deploying plus waiting until /v1/models lists the model. */
  timeoutSeconds: number;
  signal?: AbortSignal;
  /** command mode: the deploy command's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

const POLL_MS = 500;

export async function handoffModel(opts: HandoffOptions): Promise<{ model: string }> {
  if (opts.mode === 'static') return { model: opts.modelName };

  const timeoutMs = opts.timeoutSeconds * 1000;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
  const server: ServerOptions = { baseUrl: opts.baseUrl, apiKey: opts.apiKey, signal };
  let step = 'starting';
  try {
    if (opts.mode === 'vllm-lora') {
      step = `checking ${opts.baseUrl}/models`;
      const listed = (await listModels(server)).find((m) => m.id === opts.modelName);
      if (listed) {
        assertSameAdapter(listed, opts.modelPath);
        return { model: opts.modelName };
      }
      step = 'loading the LoRA adapter';
      await loadLoraAdapter(server, opts.modelName, opts.modelPath);
    } else {
      if (!opts.command?.length) throw new HandoffError('serving mode "command" needs a command');
      const argv = substitutePlaceholders(opts.command, {
        model: opts.modelName,
        path: opts.modelPath,
      });
      step = `running ${JSON.stringify(argv)}`;
      await runDeployCommand(argv, signal, opts.env);
    }
    step = `waiting for ${opts.baseUrl}/models to list ${JSON.stringify(opts.modelName)}`;
    const listed = await waitUntilListed(server, opts.modelName, (problem) => {
      step = `waiting for ${opts.baseUrl}/models to list ${JSON.stringify(opts.modelName)} (last poll: ${problem})`;
    });
    if (opts.mode === 'vllm-lora') assertSameAdapter(listed, opts.modelPath);
    return { model: opts.modelName };
  } catch (err) {
    // Only our own deadline becomes a HandoffError; a caller's abort passes through.
    if (deadline.aborted && !opts.signal?.aborted) {
      throw new HandoffError(
        `serving handoff of ${JSON.stringify(opts.modelName)} (${opts.mode}) timed out after ${opts.timeoutSeconds} s while ${step}`,
        { cause: err },
      );
    }
    throw err;
  }
}

const trimSlashes = (path: string) => path.replace(/\/+$/, '');

/**
 * vLLM answers "already loaded" for any adapter of that name, and /v1/models
 * lists it with the path it came from: a name taken by another model must not
 * pass for a successful (idempotent) handoff.
 */
function assertSameAdapter(listed: ListedModel, modelPath: string): void {
  if (listed.root === undefined || listed.root === listed.id) return;
  if (trimSlashes(listed.root) === trimSlashes(modelPath)) return;
  throw new HandoffError(
    `the server already serves ${JSON.stringify(listed.id)} from ${JSON.stringify(listed.root)}, not from ${JSON.stringify(modelPath)}; use a model name unique to each trained model`,
  );
}

/**
 * Polls until the model is listed. A server that is down or answers 5xx is
 * polled again (a deploy command may be restarting it); a 4xx is final.
 */
async function waitUntilListed(
  server: ServerOptions,
  model: string,
  onProblem: (problem: string) => void,
): Promise<ListedModel> {
  for (;;) {
    try {
      const listed = await listModels(server);
      const found = listed.find((m) => m.id === model);
      if (found) return found;
      onProblem(`listed ${JSON.stringify(listed.map((m) => m.id))}`);
    } catch (err) {
      const transient =
        err instanceof HandoffError && (err.status === undefined || err.status >= 500);
      if (!transient) throw err;
      onProblem(err.message);
    }
    await sleep(POLL_MS, undefined, { signal: server.signal });
  }
}
