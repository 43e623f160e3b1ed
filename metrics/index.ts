// Prometheus metrics of a worker process: ours (requests, tokens, cache hits, rejected
// replies, verifier verdicts, stage durations; per role and round) and the Temporal SDK
// runtime's own, served together at http://<metrics.address>/metrics.
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Registry } from 'prom-client';

export const registry = new Registry();

const llmRequests = new Counter({
  name: 'socratic_llm_requests_total',
  help: 'LLM requests by role and round; outcome paid (sent to the endpoint) or cached',
  labelNames: ['role', 'round', 'outcome'] as const,
  registers: [registry],
});
const llmTokens = new Counter({
  name: 'socratic_llm_tokens_total',
  help: 'Tokens of paid LLM requests by role, round and kind (prompt or completion)',
  labelNames: ['role', 'round', 'kind'] as const,
  registers: [registry],
});
const cacheHits = new Counter({
  name: 'socratic_llm_cache_hits_total',
  help: 'LLM requests served from the content-keyed cache (paid once, never again)',
  labelNames: ['role', 'round'] as const,
  registers: [registry],
});
const rejections = new Counter({
  name: 'socratic_reply_rejections_total',
  help: 'Replies that failed validation and were recorded in reply_rejections',
  labelNames: ['role', 'round'] as const,
  registers: [registry],
});
const verdicts = new Counter({
  name: 'socratic_verifier_verdicts_total',
  help: "MathRule's verdicts on Solver attempts: equal, unequal or unknown",
  labelNames: ['round', 'verdict'] as const,
  registers: [registry],
});
const stageSeconds = new Gauge({
  name: 'socratic_stage_duration_seconds',
  help: 'How long the last run of a stage of a round took',
  labelNames: ['round', 'stage'] as const,
  registers: [registry],
});

export const metrics = {
  llmCall(input: {
    role: string;
    round: number;
    cached: boolean;
    promptTokens?: number;
    completionTokens?: number;
  }): void {
    const round = String(input.round);
    llmRequests.inc({ role: input.role, round, outcome: input.cached ? 'cached' : 'paid' });
    if (input.cached) {
      cacheHits.inc({ role: input.role, round });
      return;
    }
    // Usage is untrusted: count only what is a sane number.
    for (const [kind, tokens] of [
      ['prompt', input.promptTokens],
      ['completion', input.completionTokens],
    ] as const)
      if (Number.isSafeInteger(tokens) && (tokens as number) >= 0)
        llmTokens.inc({ role: input.role, round, kind }, tokens as number);
  },
  replyRejected(role: string, round: number): void {
    rejections.inc({ role, round: String(round) });
  },
  verdict(round: number, equal: boolean | null): void {
    const verdict = equal === null ? 'unknown' : equal ? 'equal' : 'unequal';
    verdicts.inc({ round: String(round), verdict });
  },
  stage(round: number, stage: string, seconds: number): void {
    stageSeconds.set({ round: String(round), stage }, seconds);
  },
};

/** host:port → [host, port]; a bare port means loopback. */
export function parseAddress(address: string): { host: string; port: number } {
  const match = /^(?:(.+):)?(\d+)$/.exec(address.trim());
  const port = Number(match?.[2]);
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`metrics.address: expected host:port (e.g. 127.0.0.1:9464), got "${address}"`);
  return { host: (match[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1'), port };
}

/**
 * Serves /metrics: our registry, then the SDK runtime's exporter (bound to a loopback
 * port of its own, `runtimePort`) appended, so one scrape target has both.
 */
export async function serveMetrics(
  address: string,
  runtimePort: number | undefined,
): Promise<{ url: string; close(): Promise<void> }> {
  const { host, port } = parseAddress(address);
  const server: Server = createServer(async (request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end('see /metrics\n');
      return;
    }
    let runtime = '';
    if (runtimePort !== undefined)
      runtime = await fetch(`http://127.0.0.1:${runtimePort}/metrics`)
        .then((r) => (r.ok ? r.text() : ''))
        .catch(() => '');
    response.writeHead(200, { 'content-type': registry.contentType });
    response.end(`${await registry.metrics()}\n${runtime}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const bound = server.address();
  const actualPort = typeof bound === 'object' && bound ? bound.port : port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}/metrics`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
