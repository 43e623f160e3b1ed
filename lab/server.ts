// The simulated lab's OpenAI-compatible server: chat completions for the three
// roles, the model list, and vLLM's adapter endpoints. Stateless apart from the
// loaded adapters and a per-request attempt counter for injected HTTP faults.

import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { ChatMessage } from '../prompts/index';
import {
  approxTokens,
  canonicalJson,
  HttpError,
  readJson,
  sendJson,
  sendOpenAiError,
  sendText,
  sendVllmError,
} from './http';
import { type Knobs, resolveKnobs } from './knobs';
import { adapterModel, BASE_MODEL, baseModels, type LabModel, readModelFile } from './models';
import { respond } from './respond';
import { sha256, uniform } from './rng';

export interface LabOptions {
  port?: number;
  /** Host to bind; default 127.0.0.1. */
  host?: string;
  seed: number;
  /** Appends one JSON line per chat request served. */
  requestLog?: string;
  knobs?: Partial<Knobs>;
}

export interface Lab {
  /** Base URL ending in /v1. */
  url: string;
  close(): Promise<void>;
}

const MessageContent = z.union([
  z.string(),
  z
    .array(z.object({ type: z.string(), text: z.string().optional() }).loose())
    .transform((parts) => parts.map((p) => p.text ?? '').join('')),
]);

const ChatBody = z
  .object({
    model: z.string().min(1),
    messages: z
      .array(
        z
          .object({
            role: z.enum(['system', 'user', 'assistant', 'developer']),
            content: MessageContent.nullable(),
          })
          .loose(),
      )
      .min(1),
    n: z.number().int().min(1).max(128).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    seed: z.number().int().nullish(),
    max_tokens: z.number().int().positive().nullish(),
    max_completion_tokens: z.number().int().positive().nullish(),
    stream: z.boolean().nullish(),
    // Accepted as vLLM does; the lab's JSON replies do not depend on it.
    response_format: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('text') }).loose(),
        z.object({ type: z.literal('json_object') }).loose(),
        z
          .object({
            type: z.literal('json_schema'),
            json_schema: z
              .object({
                name: z.string().min(1),
                schema: z.record(z.string(), z.unknown()),
                strict: z.boolean().nullish(),
              })
              .loose(),
          })
          .loose(),
      ])
      .nullish(),
  })
  .loose();

const LoadAdapterBody = z
  .object({ lora_name: z.string().min(1), lora_path: z.string().min(1) })
  .loose();
const UnloadAdapterBody = z.object({ lora_name: z.string().min(1) }).loose();

function invalid(error: z.ZodError): HttpError {
  const issue = error.issues[0]!;
  const param = issue.path.join('.') || null;
  return new HttpError(400, `${param ?? 'body'}: ${issue.message}`, 'invalid_request_error', param);
}

export async function startLab(opts: LabOptions): Promise<Lab> {
  const knobs = resolveKnobs(opts.knobs);
  const labSeed = opts.seed;
  const models = new Map<string, LabModel>(baseModels().map((m) => [m.id, m]));
  /** Times each request (by key) was seen, so an injected fault is not repeated forever. */
  const attempts = new Map<string, number>();
  if (opts.requestLog) mkdirSync(dirname(opts.requestLog), { recursive: true });

  const log = (entry: Record<string, unknown>) => {
    if (opts.requestLog) appendFileSync(opts.requestLog, `${JSON.stringify(entry)}\n`);
  };

  async function chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const raw = await readJson(req);
    const parsed = ChatBody.safeParse(raw);
    if (!parsed.success) throw invalid(parsed.error);
    const body = parsed.data;
    const key = sha256(canonicalJson(raw));
    const model = models.get(body.model);
    const entry = { key, role: model?.role ?? null, model: body.model, n: body.n ?? 1 };
    if (!model) {
      log({ ...entry, status: 404, at: new Date().toISOString() });
      throw new HttpError(
        404,
        `The model \`${body.model}\` does not exist.`,
        'invalid_request_error',
        'model',
        'model_not_found',
      );
    }
    if (body.stream)
      throw new HttpError(
        400,
        'stream: streaming is not supported by the lab',
        'invalid_request_error',
        'stream',
      );

    // Only counted while faults are injected: the map would otherwise grow with every request.
    const faulty = knobs.httpErrorRate > 0 || knobs.timeoutRate > 0;
    const attempt = attempts.get(key) ?? 0;
    if (faulty) attempts.set(key, attempt + 1);
    if (knobs.latencyMs > 0) await sleep(knobs.latencyMs);
    if (uniform(labSeed, 'timeout', key, attempt) < knobs.timeoutRate) {
      // Hang: answer nothing; the client's timeout (or close()) ends the connection.
      log({ ...entry, status: 0, fault: 'timeout', at: new Date().toISOString() });
      return;
    }
    if (uniform(labSeed, 'http-error', key, attempt) < knobs.httpErrorRate) {
      const status = uniform(labSeed, 'http-error-kind', key, attempt) < 0.5 ? 429 : 500;
      log({ ...entry, status, fault: 'http', at: new Date().toISOString() });
      const message =
        status === 429 ? 'Rate limit reached (simulated).' : 'Internal server error (simulated).';
      sendOpenAiError(
        res,
        new HttpError(status, message, status === 429 ? 'rate_limit_error' : 'server_error'),
        {
          'retry-after-ms': '20',
        },
      );
      return;
    }

    const messages: ChatMessage[] = body.messages.map((m) => ({
      role: m.role === 'developer' ? 'system' : m.role,
      content: m.content ?? '',
    }));
    const { task, contents } = respond(
      { messages, n: body.n ?? 1, temperature: body.temperature ?? 1, seed: body.seed ?? 0 },
      model,
      labSeed,
      knobs,
    );
    const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? Number.POSITIVE_INFINITY;
    const choices = contents.map((content, index) => {
      const truncated = approxTokens(content) > maxTokens;
      return {
        index,
        message: {
          role: 'assistant',
          content: truncated ? content.slice(0, maxTokens * 4) : content,
          refusal: null,
        },
        logprobs: null,
        finish_reason: truncated ? 'length' : 'stop',
      };
    });
    const promptTokens = messages.reduce((sum, m) => sum + approxTokens(m.content) + 4, 0);
    const completionTokens = choices.reduce((sum, c) => sum + approxTokens(c.message.content), 0);
    // Logged before answering, so a client that has its answer also finds the line.
    log({ ...entry, task, status: 200, ms: Date.now() - started, at: new Date().toISOString() });
    sendJson(res, 200, {
      id: `chatcmpl-${key.slice(0, 24)}`,
      object: 'chat.completion',
      created: Math.floor(started / 1000),
      model: body.model,
      system_fingerprint: 'socratic-lab',
      choices,
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    });
  }

  function listModels(res: ServerResponse): void {
    const created = 1_700_000_000;
    sendJson(res, 200, {
      object: 'list',
      data: [...models.values()].map((m) => ({
        id: m.id,
        object: 'model',
        created,
        owned_by: 'socratic-lab',
        // vLLM lists an adapter with its path as root and its base model as parent.
        root: m.path ?? m.id,
        parent: m.path ? BASE_MODEL[m.role] : null,
        role: m.role,
      })),
    });
  }

  async function loadAdapter(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = LoadAdapterBody.safeParse(await readJson(req));
    if (!parsed.success) return sendVllmError(res, 400, invalid(parsed.error).message);
    const { lora_name: name, lora_path: path } = parsed.data;
    const existing = models.get(name);
    if (existing && !existing.path)
      return sendVllmError(res, 400, `The lora adapter '${name}' conflicts with a base model.`);
    if (existing && existing.path !== path)
      return sendVllmError(res, 400, `The lora adapter '${name}' has already been loaded.`);
    let file: ReturnType<typeof readModelFile>;
    try {
      file = readModelFile(path);
    } catch (error) {
      return sendVllmError(
        res,
        400,
        `Loading lora ${name} failed: No adapter found for ${path} (${(error as Error).message})`,
      );
    }
    models.set(name, adapterModel(name, path, file));
    sendText(res, 200, `Success: LoRA adapter '${name}' added successfully.`);
  }

  async function unloadAdapter(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = UnloadAdapterBody.safeParse(await readJson(req));
    if (!parsed.success) return sendVllmError(res, 400, invalid(parsed.error).message);
    const name = parsed.data.lora_name;
    const existing = models.get(name);
    if (!existing) return sendVllmError(res, 404, `The lora adapter '${name}' cannot be found.`);
    if (!existing.path)
      return sendVllmError(res, 400, `'${name}' is a base model, not a lora adapter.`);
    models.delete(name);
    sendText(res, 200, `Success: LoRA adapter '${name}' removed successfully.`);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    if (method === 'POST' && path === '/v1/chat/completions') return chat(req, res);
    if (method === 'GET' && path === '/v1/models') return listModels(res);
    if (method === 'POST' && path === '/v1/load_lora_adapter') return loadAdapter(req, res);
    if (method === 'POST' && path === '/v1/unload_lora_adapter') return unloadAdapter(req, res);
    if (method === 'GET' && (path === '/health' || path === '/v1/health'))
      return sendText(res, 200, 'ok');
    throw new HttpError(
      404,
      `Unknown route: ${method} ${path}`,
      'invalid_request_error',
      null,
      'unknown_url',
    );
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      const httpError =
        error instanceof HttpError
          ? error
          : new HttpError(500, (error as Error).message, 'server_error');
      if (!res.headersSent) sendOpenAiError(res, httpError);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host && opts.host !== '0.0.0.0' && opts.host !== '::' ? opts.host : '127.0.0.1';

  return {
    url: `http://${host}:${port}/v1`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive sockets and hung requests would hold close() open.
        server.closeAllConnections();
      }),
  };
}
