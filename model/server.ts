// `socratic model serve`: a GGUF model on CPU behind an OpenAI-compatible endpoint
// (node-llama-cpp's prebuilt binary; nothing is built or downloaded at run time).
// For checking prompts offline and for the real-model tests: small, one request at a time.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import { z } from 'zod';
import { HttpError, readJson, sendJson } from '../system/http';

export interface ModelServerOptions {
  gguf: string;
  port?: number;
  /** Name listed by /v1/models; default the file name without `.gguf`. Requests may name any model. */
  name?: string;
  /** CPU threads; 1 is fastest for a tiny model on a busy machine. */
  threads?: number;
  contextSize?: number;
}

export interface ModelServer {
  /** Base URL ending in /v1. */
  url: string;
  model: string;
  close(): Promise<void>;
}

// node-llama-cpp is an ES module and this project CommonJS: its types come through import types.
type NodeLlamaCpp = typeof import('node-llama-cpp', { with: { 'resolution-mode': 'import' }});
type ChatHistoryItem = import('node-llama-cpp', { with: {
  'resolution-mode': 'import',
}}).ChatHistoryItem;
type ChatWrapper = NodeLlamaCpp['ChatWrapper']['prototype'];
type LlamaModel = NodeLlamaCpp['LlamaModel']['prototype'];
type LlamaGrammar = NodeLlamaCpp['LlamaGrammar']['prototype'];

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_CHOICES = 64;

const Content = z.union([
  z.string(),
  z
    .array(z.object({ type: z.string(), text: z.string().optional() }).loose())
    .transform((parts) => parts.map((p) => p.text ?? '').join('')),
]);

const ChatBody = z
  .object({
    model: z.string().optional(),
    messages: z
      .array(
        z
          .object({
            role: z.enum(['system', 'developer', 'user', 'assistant']),
            content: Content.nullable(),
          })
          .loose(),
      )
      .min(1),
    n: z.number().int().min(1).max(MAX_CHOICES).default(1),
    max_tokens: z.number().int().positive().optional(),
    max_completion_tokens: z.number().int().positive().optional(),
    temperature: z.number().min(0).max(2).default(1),
    top_p: z.number().gt(0).max(1).optional(),
    seed: z.number().int().optional(),
    stream: z.literal(false).optional(),
    response_format: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('text') }).loose(),
        z.object({ type: z.literal('json_object') }).loose(),
        z
          .object({
            type: z.literal('json_schema'),
            json_schema: z.object({ name: z.string().optional(), schema: z.unknown() }).loose(),
          })
          .loose(),
      ])
      .optional(),
  })
  .loose();
type ChatBody = z.infer<typeof ChatBody>;

/** OpenAI messages as node-llama-cpp's chat history (consecutive system texts are joined). */
export function toChatHistory(messages: ChatBody['messages']): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  for (const m of messages) {
    const text = m.content ?? '';
    if (m.role === 'system' || m.role === 'developer') history.push({ type: 'system', text });
    else if (m.role === 'user') history.push({ type: 'user', text });
    else history.push({ type: 'model', response: [text] });
  }
  // The reply is generated into a trailing model turn.
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}

/** The chat template stored in the GGUF file, else node-llama-cpp's best match for the model. */
function chatWrapperFor(
  { JinjaTemplateChatWrapper, resolveChatWrapper }: NodeLlamaCpp,
  model: LlamaModel,
): ChatWrapper {
  const template = model.fileInfo.metadata?.tokenizer?.chat_template;
  if (typeof template === 'string' && template.trim() !== '')
    return new JinjaTemplateChatWrapper({ template, tokenizer: model.tokenizer });
  return resolveChatWrapper(model);
}

export async function startModelServer(opts: ModelServerOptions): Promise<ModelServer> {
  // An ES module: loaded on demand, so commands that never serve a model never load it.
  const lib: NodeLlamaCpp = await import('node-llama-cpp');
  const { getLlama, LlamaChat } = lib;
  // build "never": use the prebuilt binary or fail, never compile or fetch llama.cpp.
  const llama = await getLlama({ build: 'never', gpu: false, logLevel: 'error' as never });
  const model = await llama.loadModel({ modelPath: opts.gguf });
  const context = await model.createContext({
    contextSize: opts.contextSize ?? 4096,
    threads: opts.threads ?? 1,
  });
  const sequence = context.getSequence();
  const chatWrapper = chatWrapperFor(lib, model);
  const chat = new LlamaChat({ contextSequence: sequence, chatWrapper });
  const name = opts.name ?? basename(opts.gguf).replace(/\.gguf$/i, '');
  const grammars = new Map<string, LlamaGrammar>();
  const created = Math.floor(Date.now() / 1000);

  async function grammarFor(
    format: ChatBody['response_format'],
  ): Promise<LlamaGrammar | undefined> {
    if (!format || format.type === 'text') return undefined;
    const key = format.type === 'json_object' ? 'json' : JSON.stringify(format.json_schema.schema);
    let grammar = grammars.get(key);
    if (!grammar) {
      try {
        grammar =
          format.type === 'json_object'
            ? await llama.getGrammarFor('json')
            : await llama.createGrammarForJsonSchema(format.json_schema.schema as never);
      } catch (err) {
        // As servers do for a schema their grammar compiler cannot take: a 400 the client can act on.
        throw new HttpError(
          400,
          `response_format: unsupported JSON schema: ${(err as Error).message}`,
        );
      }
      grammars.set(key, grammar);
    }
    return grammar;
  }

  // One sequence: requests run one after another.
  let queue: Promise<unknown> = Promise.resolve();
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => {});
    return next;
  };

  async function complete(body: ChatBody, signal: AbortSignal) {
    const grammar = await grammarFor(body.response_format);
    const history = toChatHistory(body.messages);
    const { contextText } = chatWrapper.generateContextState({ chatHistory: history });
    const promptTokens = contextText.tokenize(model.tokenizer).length;
    const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? 512;
    const choices = [];
    let completionTokens = 0;
    for (let index = 0; index < body.n; index++) {
      const response = await serialised(() =>
        chat.generateResponse(history, {
          maxTokens,
          temperature: body.temperature,
          topP: body.top_p,
          // n choices from one seed must differ: choice i samples with seed + i.
          seed: body.seed === undefined ? undefined : body.seed + index,
          grammar,
          signal,
          stopOnAbortSignal: false,
        }),
      );
      completionTokens += model.tokenize(response.response).length;
      choices.push({
        index,
        message: { role: 'assistant', content: response.response },
        finish_reason: response.metadata.stopReason === 'maxTokens' ? 'length' : 'stop',
        logprobs: null,
      });
    }
    return {
      id: `chatcmpl-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model ?? name,
      choices,
      usage: {
        prompt_tokens: promptTokens * body.n,
        completion_tokens: completionTokens,
        total_tokens: promptTokens * body.n + completionTokens,
      },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: [{ id: name, object: 'model', created, owned_by: 'socratic' }],
      });
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      const parsed = ChatBody.safeParse(await readJson(req, MAX_BODY_BYTES));
      if (!parsed.success) throw new HttpError(400, z.prettifyError(parsed.error));
      const abort = new AbortController();
      res.once('close', () => abort.abort());
      return sendJson(res, 200, await complete(parsed.data, abort.signal));
    }
    throw new HttpError(404, `no route for ${req.method} ${path}`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return;
      const status = err instanceof HttpError ? err.status : 500;
      const type = status === 500 ? 'server_error' : 'invalid_request_error';
      sendJson(res, status, {
        error: { message: (err as Error).message, type, param: null, code: null },
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    model: name,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}
