// A vLLM-compatible stand-in that misbehaves: a proxy in front of an OpenAI-compatible
// upstream (the simulated lab) that answers some chat requests, at configurable rates,
// with the faults real servers and models produce (issue 10, "Done when"). Every other
// route passes through untouched, so adapters load and models list as usual.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { jsonCandidate } from '../../prompts/replies';

/** Faults decided before the upstream is asked (nothing is paid for them). */
const UNPAID = ['rate-limit', 'server-error', 'hang', 'unauthorized'] as const;
/** Faults made from a real (paid) upstream answer. */
const PAID = [
  'truncated-body',
  'empty-choices',
  'fewer-choices',
  'nul-content',
  'surrogate-content',
  'nul-in-json',
  'surrogate-in-json',
  'huge-reply',
  'fence-whitespace',
  'usage-overflow',
] as const;
export const FAULTS = [...UNPAID, ...PAID] as const;
export type Fault = (typeof FAULTS)[number];

export interface FaultServerOptions {
  /** Base URL of the upstream, ending in /v1. */
  upstream: string;
  /** Probability of each fault per chat request (at most one fault a request). */
  rates?: Partial<Record<Fault, number>>;
  /** Faults to inject once each, at the first request each applies to. */
  once?: Fault[];
  seed?: number;
  /** Retry-After of a 429, in seconds. */
  retryAfterSeconds?: number;
}

export interface FaultLogEntry {
  /** Hash of the request body: equal requests have equal keys. */
  key: string;
  model: string;
  n: number;
  fault: Fault | null;
  /** Whether the upstream was asked (and so paid). */
  paid: boolean;
}

export interface FaultServer {
  url: string;
  log: FaultLogEntry[];
  /** The next applicable requests get these faults, in order. */
  inject(...faults: Fault[]): void;
  /** Requests hung right now (their connections still open). */
  hanging(): number;
  close(): Promise<void>;
}

type Reply = { choices: { message: { content: string } }[]; usage?: unknown };

/** Whether a fault can be made from this upstream answer to a request for n choices. */
function applies(fault: Fault, reply: Reply, n: number): boolean {
  if (fault === 'fewer-choices') return n > 1 && reply.choices.length > 1;
  if (fault === 'nul-in-json' || fault === 'surrogate-in-json')
    return reply.choices.some((c) => jsonFields(c.message.content) !== null);
  return reply.choices.length > 0;
}

/** The string fields of a reply's JSON object, or null when it holds none. */
function jsonFields(content: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(jsonCandidate(content));
    if (!value || typeof value !== 'object') return null;
    return JSON.stringify(value).includes('":"') ? value : null;
  } catch {
    return null;
  }
}

/** Every string inside `value` with `extra` put in its middle. */
function spike(value: unknown, extra: string): unknown {
  if (typeof value === 'string') {
    const mid = Math.floor(value.length / 2);
    return value.slice(0, mid) + extra + value.slice(mid);
  }
  if (Array.isArray(value)) return value.map((v) => spike(v, extra));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, spike(v, extra)]));
  return value;
}

/** The body text of a reply with the fault made in it. */
function corrupt(fault: Fault, reply: Reply, n: number): string {
  const first = reply.choices[0]!.message;
  switch (fault) {
    case 'empty-choices':
      reply.choices = [];
      break;
    case 'fewer-choices':
      reply.choices = reply.choices.slice(0, Math.ceil(n / 2));
      break;
    case 'nul-content':
      first.content = spike(first.content, '\u0000') as string;
      break;
    case 'surrogate-content':
      first.content = spike(first.content, '\uD800') as string;
      break;
    case 'nul-in-json':
    case 'surrogate-in-json':
      for (const choice of reply.choices) {
        const fields = jsonFields(choice.message.content);
        if (fields)
          choice.message.content = JSON.stringify(
            spike(fields, fault === 'nul-in-json' ? '\u0000' : '\uDC00'),
          );
      }
      break;
    case 'huge-reply':
      first.content = `${'lorem ipsum '.repeat(90_000)}${first.content}`;
      break;
    case 'fence-whitespace':
      first.content = `\`\`\`json${' '.repeat(100_000)}`;
      break;
    case 'usage-overflow':
      return JSON.stringify({ ...reply, usage: 'USAGE' }).replace(
        '"USAGE"',
        '{"prompt_tokens":1e309,"completion_tokens":1e309,"total_tokens":1e309}',
      );
  }
  return JSON.stringify(reply);
}

/** mulberry32: a small seeded generator, so a suite draws the same faults each time. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendError(res: ServerResponse, status: number, headers: Record<string, string> = {}) {
  const body = JSON.stringify({
    error: { message: `simulated fault ${status}`, type: 'server_error', param: null, code: null },
  });
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

export async function startFaultServer(options: FaultServerOptions): Promise<FaultServer> {
  const upstream = options.upstream.replace(/\/+$/, '').replace(/\/v1$/, '');
  const draw = random(options.seed ?? 1);
  const queue: Fault[] = [...(options.once ?? [])];
  const log: FaultLogEntry[] = [];
  const hung = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  /** The fault for a request: the first queued one that applies, else one drawn by rate. */
  function pick(applicable: (fault: Fault) => boolean, among: readonly Fault[]): Fault | null {
    const queued = queue.findIndex((f) => among.includes(f) && applicable(f));
    if (queued >= 0) return queue.splice(queued, 1)[0]!;
    return null;
  }
  function drawn(): Fault | null {
    let r = draw();
    for (const fault of FAULTS) {
      r -= options.rates?.[fault] ?? 0;
      if (r < 0) return fault;
    }
    return null;
  }

  async function forward(req: IncomingMessage, body: Buffer): Promise<Response> {
    const headers = new Headers();
    for (const name of ['content-type', 'authorization'])
      if (req.headers[name]) headers.set(name, String(req.headers[name]));
    return fetch(upstream + (req.url ?? '/'), {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
    });
  }

  async function chat(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const key = createHash('sha256').update(body).digest('hex');
    const request = JSON.parse(body.toString('utf8')) as { model?: string; n?: number };
    const n = request.n ?? 1;
    const entry = { key, model: request.model ?? '', n };
    const random = drawn();
    const before =
      pick(() => true, UNPAID) ??
      (random && (UNPAID as readonly string[]).includes(random) ? random : null);
    if (before) {
      log.push({ ...entry, fault: before, paid: false });
      if (before === 'hang') {
        hung.add(res);
        res.on('close', () => hung.delete(res));
        return;
      }
      if (before === 'rate-limit')
        return sendError(res, 429, { 'retry-after': String(options.retryAfterSeconds ?? 1) });
      return sendError(res, before === 'unauthorized' ? 401 : 500);
    }
    const answer = await forward(req, body);
    const text = await answer.text();
    if (answer.status !== 200) {
      log.push({ ...entry, fault: null, paid: true });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(text);
      return;
    }
    const reply = JSON.parse(text) as Reply;
    const fault =
      pick((f) => applies(f, reply, n), PAID) ??
      (random && (PAID as readonly string[]).includes(random) && applies(random, reply, n)
        ? random
        : null);
    log.push({ ...entry, fault, paid: true });
    if (fault === 'truncated-body') {
      // Promise the whole body, send half, then drop the connection.
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      setTimeout(() => res.socket?.destroy(), 10);
      return;
    }
    const out = fault ? corrupt(fault, reply, n) : text;
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(out),
    });
    res.end(out);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (req.method === 'POST' && (req.url ?? '').startsWith('/v1/chat/completions'))
      return chat(req, res, body);
    const answer = await forward(req, body);
    res.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
    });
    res.end(Buffer.from(await answer.arrayBuffer()));
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 502);
      else res.destroy(error as Error);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    log,
    inject: (...faults) => queue.push(...faults),
    hanging: () => hung.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
