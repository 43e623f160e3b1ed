// The two calls the handoff makes against an OpenAI-compatible server (vLLM, the lab).
import { HandoffError } from './handoff-error';

export interface ServerOptions {
  /** Ends in /v1. */
  baseUrl: string;
  apiKey?: string;
  signal?: AbortSignal;
}

const BODY_CHARS = 2000;

function url(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path}`;
}

function headers(apiKey: string | undefined): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json' };
  if (apiKey) h.authorization = `Bearer ${apiKey}`;
  return h;
}

async function request(
  server: ServerOptions,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; ok: boolean; text: string; target: string }> {
  const target = url(server.baseUrl, path);
  let response: Response;
  try {
    response = await fetch(target, {
      method,
      headers: headers(server.apiKey),
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: server.signal,
    });
  } catch (err) {
    if (server.signal?.aborted) throw err;
    throw new HandoffError(`${method} ${target} failed: ${(err as Error).message}`, { cause: err });
  }
  const text = (await response.text()).slice(0, BODY_CHARS);
  return { status: response.status, ok: response.ok, text, target };
}

export interface ListedModel {
  id: string;
  /** vLLM: the path a LoRA adapter was loaded from (the model name for base models). */
  root?: string;
}

/** What GET /v1/models lists. */
export async function listModels(server: ServerOptions): Promise<ListedModel[]> {
  const { status, ok, text, target } = await request(server, 'GET', 'models');
  if (!ok)
    throw new HandoffError(`GET ${target} returned HTTP ${status}: ${text}`, {
      status,
      body: text,
    });
  let data: unknown[];
  try {
    data = (JSON.parse(text) as { data: unknown[] }).data;
    if (!Array.isArray(data)) throw new Error('no data array');
  } catch (err) {
    throw new HandoffError(`GET ${target} did not return a model list: ${text}`, {
      status,
      body: text,
      cause: err,
    });
  }
  const models: ListedModel[] = [];
  for (const m of data as { id?: unknown; root?: unknown }[]) {
    if (typeof m?.id !== 'string') continue;
    models.push(typeof m.root === 'string' ? { id: m.id, root: m.root } : { id: m.id });
  }
  return models;
}

/** vLLM answers 400 with this when the adapter name is taken (a retried handoff). */
const ALREADY_LOADED = /already (been )?loaded/i;

/**
 * POST /v1/load_lora_adapter. vLLM serves it only with
 * VLLM_ALLOW_RUNTIME_LORA_UPDATING=True; without it the route is a 404.
 */
export async function loadLoraAdapter(
  server: ServerOptions,
  loraName: string,
  loraPath: string,
): Promise<void> {
  const { status, ok, text, target } = await request(server, 'POST', 'load_lora_adapter', {
    lora_name: loraName,
    lora_path: loraPath,
  });
  if (ok || (status === 400 && ALREADY_LOADED.test(text))) return;
  const hint =
    status === 404
      ? ' (is the server vLLM started with --enable-lora and VLLM_ALLOW_RUNTIME_LORA_UPDATING=True?)'
      : '';
  throw new HandoffError(
    `loading LoRA adapter ${JSON.stringify(loraName)} from ${JSON.stringify(loraPath)}: POST ${target} returned HTTP ${status}${hint}: ${text}`,
    { status, body: text },
  );
}
