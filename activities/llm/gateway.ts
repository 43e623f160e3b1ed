// Every LLM call goes through here: content-keyed cache first (a retried or replayed
// step never pays twice), then the real `openai` client, bounded per role. Nothing an
// endpoint returns is trusted: a response is checked for shape, cleaned and capped
// (response.ts) before it is cached, and an invalid one is recorded and asked again.
//
// chat(request)
//   └ SingleFlight by cache key (identical requests in flight share one call)
//       └ cache read → complete() → cache write
//         (a slice's keys read ahead in one query by prefetch(), other reads of one
//         event-loop turn share a query, paid calls are written in groups: db/bulk.ts;
//         the run's settings are read at most once a second)
//           └ completion(): one POST under the role's semaphore, sent, read (byte cap,
//             deadline) and checked by readCompletion in the HTTP thread (http.ts), so the
//             client's cost stays off the event loop that runs activities; invalid →
//             recorded in reply_rejections, retried with backoff; HTTP failures → failures.ts
// Request fields live in chatParams(): a new field added there enters the cache key.
import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { inArray } from 'drizzle-orm';
import type { z } from 'zod';
import { contentId, runContentKey } from '../../algorithm/random';
import { type Config, LAB, type RoleConfig, type RoleName } from '../../config/schema';
import { BatchedReads, GroupCommit, HOT_PATH_LINGER_MS, insertRowsAsJson } from '../../db/bulk';
import type { Database } from '../../db/client';
import { llmCalls, replyRejections } from '../../db/schema';
import { metrics } from '../../metrics';
import type { ChatMessage } from '../../prompts';
import { cleanText, parseReply, type ReplyFormat } from '../../prompts/replies';
import { ThreadClient, threadScript } from '../../system/threads';
import { runConfig } from '../deps';
import { checkBudget } from './budget';
import { apiKeyMissing, invalidResponses, isBadRequest, llmFailure, noEndpoint } from './failures';
import { type HttpThreadMethods, type PostRequest, reviveHttpError } from './http';
import { bodyByteCap, type Completion, replyByteCap } from './response';
import { Semaphore } from './semaphore';
import { SingleFlight } from './single-flight';

export interface ChatRequest {
  role: RoleName;
  model: string;
  promptVersion: string;
  messages: ChatMessage[];
  n?: number;
  temperature?: number;
  topP?: number;
  /** Completion token limit; default the role's maxTokens. */
  maxTokens?: number;
  /** The reply's JSON schema, sent as response_format where the role's server takes it. */
  responseFormat?: ReplyFormat;
  seed: number;
  /** For accounting: which run and round first paid for this call. */
  runId: string;
  round: number;
}

export interface ChatResult {
  choices: string[];
  cached: boolean;
  /** null when the endpoint did not report a usable count. */
  completionTokens: number | null;
}

/**
 * What is sent to the endpoint, and so what the cache key covers. `structured`: the
 * reply's JSON schema goes along as response_format (the server decodes to it).
 */
export function chatParams(request: ChatRequest, settings: RoleConfig, structured = false) {
  return {
    model: request.model,
    // Prompts quote stored text; cleaned so the request can be stored as JSON too.
    messages: request.messages.map((m) => ({ ...m, content: cleanText(m.content) })),
    n: request.n ?? 1,
    temperature: request.temperature,
    top_p: request.topP ?? settings.topP,
    max_tokens: request.maxTokens ?? settings.maxTokens,
    seed: request.seed,
    ...(structured && request.responseFormat
      ? {
          response_format: {
            type: 'json_schema' as const,
            json_schema: { ...request.responseFormat, strict: true },
          },
        }
      : {}),
  };
}
type ChatParams = ReturnType<typeof chatParams>;

const cacheKey = (request: ChatRequest, params: ChatParams) =>
  contentId(request.promptVersion, JSON.stringify(params));

interface Endpoint {
  /** What the HTTP thread builds its openai client from. */
  clientOptions: PostRequest['endpoint'];
  limit: Semaphore;
}

/** The cancellation signal of the activity this call runs in, if any. */
function activitySignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined; // not inside an activity (tests, tools)
  }
}

/** Backoff before asking again after an invalid response: 0.5 s doubling, at most 30 s. */
export function invalidResponseBackoffMs(attempt: number): number {
  return Math.min(30_000, 500 * 2 ** attempt);
}

/** A run's config read this recently is used again: a repair (`socratic resume --config`) shows within it. */
const CONFIG_REUSE_MS = 1000;

/**
 * How long a prefetched cache read stands in for a read of its own. A key found missing may
 * be paid for meanwhile only by another worker running the same step at the same time.
 */
const PREFETCH_FRESH_MS = 30_000;

/** Keys per cache read. */
const CACHE_READ_KEYS = 500;

type CachedCall = Pick<typeof llmCalls.$inferSelect, 'key' | 'choices' | 'completionTokens'>;

export class LlmGateway {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly flights = new SingleFlight<ChatResult>();
  /** `runId/role` pairs whose server refused response_format: asked without it for the rest of the run. */
  private readonly noStructuredOutput = new Set<string>();
  private readonly configs = new Map<string, { readAt: number; config: Promise<Config> }>();
  private readonly cacheReads: BatchedReads<string, CachedCall>;
  private readonly budgetChecks = new Map<string, Promise<void>>();
  private readonly prefetched = new Map<string, { row: CachedCall | undefined; readAt: number }>();
  private readonly cacheWrites: GroupCommit<typeof llmCalls.$inferInsert>;
  /** The HTTP client and the reading of answers run in their own thread (http.ts). */
  private readonly http = new ThreadClient<HttpThreadMethods>(
    'LLM HTTP',
    threadScript(__dirname, 'http-thread'),
    null,
    reviveHttpError,
  );

  constructor(
    private readonly db: Database,
    private readonly labUrl?: string,
  ) {
    this.cacheReads = new BatchedReads((keys) => this.readCache(keys), CACHE_READ_KEYS);
    this.cacheWrites = new GroupCommit((rows) => insertRowsAsJson(db, llmCalls, rows), {
      lingerMs: HOT_PATH_LINGER_MS,
    });
  }

  /** Starts the HTTP thread now (a long-running worker), not on the first call. */
  startThread(): void {
    this.http.start();
  }

  /** Ends the HTTP thread (calls still in flight fail). */
  close(): Promise<void> {
    return this.http.close();
  }

  /**
   * checkBudget, one query for the calls that ask while it runs: its sum is as recent as
   * theirs would be (calls then in flight are not in it either), and a query per paid call
   * would sum a growing table for each.
   */
  private withinBudget(config: Config, request: ChatRequest): Promise<void> {
    const scope = JSON.stringify([request.runId, request.role, request.round]);
    let check = this.budgetChecks.get(scope);
    if (!check) {
      check = checkBudget(this.db, config, request.runId, request.role, request.round);
      const started = check;
      const land = () => {
        if (this.budgetChecks.get(scope) === started) this.budgetChecks.delete(scope);
      };
      started.then(land, land);
      this.budgetChecks.set(scope, started);
    }
    return check;
  }

  /** The run's config (deps.ts runConfig), shared by the calls of the same second. */
  private config(runId: string): Promise<Config> {
    const now = Date.now();
    const known = this.configs.get(runId);
    if (known && now - known.readAt < CONFIG_REUSE_MS) return known.config;
    const config = runConfig(this.db, runId);
    const entry = { readAt: now, config };
    this.configs.set(runId, entry);
    config.catch(() => {
      if (this.configs.get(runId) === entry) this.configs.delete(runId); // a failed read is not kept
    });
    return config;
  }

  /** One client and one concurrency limit per distinct endpoint setting of a role. */
  private endpoint(role: RoleName, settings: RoleConfig): Endpoint {
    const key = JSON.stringify([role, settings]);
    let endpoint = this.endpoints.get(key);
    if (!endpoint) {
      const baseURL = settings.baseUrl === LAB ? this.labUrl : settings.baseUrl;
      if (!baseURL) throw noEndpoint(role);
      // The key is read from the environment here and nowhere else: it never enters
      // workflow arguments, histories, the database or logs.
      const apiKey = settings.apiKeyEnv ? process.env[settings.apiKeyEnv] : 'not-needed';
      if (!apiKey) throw apiKeyMissing(role, settings.apiKeyEnv!);
      const clientOptions = {
        baseURL,
        apiKey,
        timeoutMs: settings.timeoutSeconds * 1000,
        maxRetries: settings.maxRetries,
      };
      endpoint = { clientOptions, limit: new Semaphore(settings.concurrency) };
      this.endpoints.set(key, endpoint);
    }
    return endpoint;
  }

  /** The role's settings, and whether response_format goes along (not after a refusal). */
  private async sending(request: ChatRequest) {
    const settings = (await this.config(request.runId)).roles[request.role];
    const structured =
      request.responseFormat !== undefined &&
      settings.structuredOutput &&
      !this.noStructuredOutput.has(`${request.runId}/${request.role}`);
    return { settings, structured };
  }

  /**
   * Reads the cache for `requests` ahead, in one query per CACHE_READ_KEYS: their chat() calls in the
   * next PREFETCH_FRESH_MS take a hit from here and skip the read for a key found missing.
   * For a slice of problems whose calls would otherwise each read alone.
   */
  async prefetch(requests: ChatRequest[]): Promise<void> {
    const now = Date.now();
    for (const [key, entry] of this.prefetched)
      if (now - entry.readAt >= PREFETCH_FRESH_MS) this.prefetched.delete(key);
    const keys = new Set<string>();
    for (const request of requests) {
      const { settings, structured } = await this.sending(request);
      keys.add(cacheKey(request, chatParams(request, settings, structured)));
    }
    const all = [...keys];
    for (let i = 0; i < all.length; i += CACHE_READ_KEYS) {
      const slice = all.slice(i, i + CACHE_READ_KEYS);
      const found = await this.readCache(slice);
      for (const key of slice) this.prefetched.set(key, { row: found.get(key), readAt: now });
    }
  }

  /** The cached calls among `keys`, in one query. */
  private async readCache(keys: string[]): Promise<Map<string, CachedCall>> {
    const rows = await this.db
      .select({
        key: llmCalls.key,
        choices: llmCalls.choices,
        completionTokens: llmCalls.completionTokens,
      })
      .from(llmCalls)
      .where(inArray(llmCalls.key, keys));
    return new Map(rows.map((row) => [row.key, row]));
  }

  /** The cache row for `key`: from prefetch() while fresh (used once), else read now. */
  private cached(key: string): Promise<CachedCall | undefined> {
    const entry = this.prefetched.get(key);
    if (!entry) return this.cacheReads.get(key);
    this.prefetched.delete(key);
    if (Date.now() - entry.readAt >= PREFETCH_FRESH_MS) return this.cacheReads.get(key);
    return Promise.resolve(entry.row);
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    const { settings, structured } = await this.sending(request);
    const refusedBy = `${request.runId}/${request.role}`;
    try {
      return await this.send(request, settings, structured);
    } catch (error) {
      // A server without JSON-schema decoding answers 400. Ask again without it; when that
      // works, the refusal was about response_format: remember it for the run.
      if (!(structured && isBadRequest(error))) throw error;
      const result = await this.send(request, settings, false);
      this.noStructuredOutput.add(refusedBy);
      return result;
    }
  }

  private async send(
    request: ChatRequest,
    settings: RoleConfig,
    structured: boolean,
  ): Promise<ChatResult> {
    const params = chatParams(request, settings, structured);
    const key = cacheKey(request, params);
    return this.flights.run(key, activitySignal(), async (signal) => {
      const hit = await this.cached(key);
      if (hit) {
        metrics.llmCall({ role: request.role, round: request.round, cached: true });
        return { choices: hit.choices, cached: true, completionTokens: hit.completionTokens };
      }
      // Only a call about to be paid for can exceed a budget.
      const config = await this.config(request.runId);
      await this.withinBudget(config, request);
      const paid = await this.complete(request, settings, params, signal);
      metrics.llmCall({
        role: request.role,
        round: request.round,
        cached: false,
        promptTokens: paid.promptTokens ?? undefined,
        completionTokens: paid.completionTokens ?? undefined,
      });
      // Resolves once the row is stored: a caller never holds a paid result the cache lacks.
      this.prefetched.delete(key); // a prefetched miss of this key is stale now
      await this.cacheWrites.add([
        {
          key,
          role: request.role,
          model: request.model,
          promptVersion: request.promptVersion,
          request: params,
          choices: paid.choices,
          promptTokens: paid.promptTokens,
          completionTokens: paid.completionTokens,
          runId: request.runId,
          round: request.round,
        },
      ]);
      return { choices: paid.choices, cached: false, completionTokens: paid.completionTokens };
    });
  }

  /**
   * All n choices of a request. A server that returns fewer than n (Ollama ignores `n`)
   * is asked for the rest one at a time, each with its own seed.
   */
  private async complete(
    request: ChatRequest,
    settings: RoleConfig,
    params: ChatParams,
    signal: AbortSignal,
  ): Promise<Completion> {
    const first = await this.completion(request, settings, params, signal);
    const missing = params.n - first.choices.length;
    if (missing === 0) return first;
    const rest = await Promise.all(
      Array.from({ length: missing }, (_, i) =>
        this.completion(
          request,
          settings,
          { ...params, n: 1, seed: (params.seed + 7919 * (first.choices.length + i)) % 2 ** 31 },
          signal,
        ),
      ),
    );
    const sum = (pick: (c: Completion) => number | null) =>
      [first, ...rest].reduce<number | null>((total, c) => {
        const value = pick(c);
        return total === null || value === null ? null : total + value;
      }, 0);
    return {
      choices: [...first.choices, ...rest.map((c) => c.choices[0]!)],
      truncated: first.truncated + rest.reduce((t, c) => t + c.truncated, 0),
      promptTokens: sum((c) => c.promptTokens),
      completionTokens: sum((c) => c.completionTokens),
    };
  }

  /** One valid response to `params`: invalid ones are recorded and asked again with backoff. */
  private async completion(
    request: ChatRequest,
    settings: RoleConfig,
    params: ChatParams,
    signal: AbortSignal,
  ): Promise<Completion> {
    const endpoint = this.endpoint(request.role, settings);
    const where = { baseUrl: endpoint.clientOptions.baseURL, model: params.model };
    const tries = settings.maxRetries + 1;
    for (let attempt = 0; ; attempt++) {
      const outcome = await endpoint.limit
        .run(() =>
          this.http.call(
            'post',
            {
              endpoint: endpoint.clientOptions,
              params,
              replyCap: replyByteCap(settings.maxTokens),
              bodyCap: bodyByteCap(settings.maxTokens, params.n),
            },
            signal,
          ),
        )
        .catch((error) => {
          if (signal.aborted) throw signal.reason;
          throw llmFailure(request.role, where, error);
        });
      if (outcome.ok) return outcome.value;
      await this.reject(request, attempt, outcome.reason, outcome.body);
      if (attempt + 1 >= tries) throw invalidResponses(request.role, tries, outcome.reason);
      await sleep(invalidResponseBackoffMs(attempt), undefined, { signal });
    }
  }

  private async reject(
    request: ChatRequest,
    attempt: number,
    error: string,
    content: string,
  ): Promise<void> {
    metrics.replyRejected(request.role, request.round);
    const kept = cleanText(content.slice(0, 4000));
    await this.db
      .insert(replyRejections)
      .values({
        // Keyed by the run's content part, like every row: the same run in another database
        // records the same rejections under the same ids.
        id: contentId(
          runContentKey(request.runId),
          request.promptVersion,
          JSON.stringify(request.messages),
          request.seed,
          attempt,
          error,
          kept,
        ),
        runId: request.runId,
        round: request.round,
        role: request.role,
        promptVersion: request.promptVersion,
        attempt,
        error: cleanText(error).slice(0, 2000),
        content: kept,
      })
      .onConflictDoNothing();
  }

  /**
   * A single reply validated by `schema`. An invalid reply is recorded and the request is
   * sent again with another seed (so it is a new cache key), up to `attempts` times;
   * null when none was valid. Replays walk the same path through the cache.
   */
  async chatValidated<T>(
    request: ChatRequest,
    schema: z.ZodType<T>,
    attempts = 3,
    check?: (value: T) => string | null,
  ): Promise<T | null> {
    for (let attempt = 0; attempt < attempts; attempt++) {
      const { choices } = await this.chat({
        ...request,
        n: 1,
        seed: request.seed + attempt * 7919,
      });
      const content = choices[0] ?? '';
      const parsed = parseReply(schema, content);
      const error = parsed.ok ? (check?.(parsed.value) ?? null) : parsed.error;
      if (parsed.ok && error === null) return parsed.value;
      await this.reject(request, attempt, error ?? 'invalid reply', content);
    }
    return null;
  }
}
