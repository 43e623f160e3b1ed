// Every LLM call goes through here: content-keyed cache first (a retried or replayed
// step never pays twice), then the real `openai` client, bounded per role.
import { eq } from 'drizzle-orm';
import OpenAI from 'openai';
import type { z } from 'zod';
import { contentId } from '../../algorithm/random';
import { LAB, type RoleConfig, type RoleName } from '../../config/schema';
import type { Database } from '../../db/client';
import { llmCalls, replyRejections } from '../../db/schema';
import { metrics } from '../../metrics';
import type { ChatMessage } from '../../prompts';
import { parseReply } from '../../prompts/replies';
import { runConfig } from '../deps';
import { Semaphore } from './semaphore';

export interface ChatRequest {
  role: RoleName;
  model: string;
  promptVersion: string;
  messages: ChatMessage[];
  n?: number;
  temperature?: number;
  topP?: number;
  seed: number;
  /** For accounting: which run and round first paid for this call. */
  runId: string;
  round: number;
}

export interface ChatResult {
  choices: string[];
  cached: boolean;
  completionTokens: number;
}

export class LlmGateway {
  private readonly clients = new Map<string, OpenAI>();
  private readonly limits = new Map<string, Semaphore>();

  constructor(
    private readonly db: Database,
    private readonly labUrl?: string,
  ) {}

  /** One client and one concurrency limit per distinct endpoint setting of a role. */
  private endpoint(role: RoleName, settings: RoleConfig): { client: OpenAI; limit: Semaphore } {
    const key = JSON.stringify([role, settings]);
    let client = this.clients.get(key);
    if (!client) {
      const baseURL = settings.baseUrl === LAB ? this.labUrl : settings.baseUrl;
      if (!baseURL)
        throw new Error(
          `roles.${role}.baseUrl is "lab" but no simulated lab is running in this worker`,
        );
      // The key is read from the environment here and nowhere else: it never enters
      // workflow arguments, histories, the database or logs.
      const apiKey = settings.apiKeyEnv ? process.env[settings.apiKeyEnv] : 'not-needed';
      if (!apiKey)
        throw new Error(`roles.${role}.apiKeyEnv names ${settings.apiKeyEnv}, which is not set`);
      client = new OpenAI({
        baseURL,
        apiKey,
        timeout: settings.timeoutSeconds * 1000,
        maxRetries: settings.maxRetries,
      });
      this.clients.set(key, client);
      this.limits.set(key, new Semaphore(settings.concurrency));
    }
    return { client, limit: this.limits.get(key)! };
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    const settings = (await runConfig(this.db, request.runId)).roles[request.role];
    const params = {
      model: request.model,
      messages: request.messages,
      n: request.n ?? 1,
      temperature: request.temperature ?? settings.temperature,
      top_p: request.topP ?? settings.topP,
      max_tokens: settings.maxTokens,
      seed: request.seed,
    };
    const key = contentId(request.promptVersion, JSON.stringify(params));
    const [hit] = await this.db.select().from(llmCalls).where(eq(llmCalls.key, key));
    if (hit) {
      metrics.llmCall({ role: request.role, round: request.round, cached: true });
      return { choices: hit.choices, cached: true, completionTokens: hit.completionTokens };
    }

    const { client, limit } = this.endpoint(request.role, settings);
    const response = await limit.run(() => client.chat.completions.create(params));
    const choices = [...response.choices]
      .sort((a, b) => a.index - b.index)
      .map((c) => c.message.content ?? '');
    const completionTokens = response.usage?.completion_tokens ?? 0;
    metrics.llmCall({
      role: request.role,
      round: request.round,
      cached: false,
      promptTokens: response.usage?.prompt_tokens,
      completionTokens,
    });
    await this.db
      .insert(llmCalls)
      .values({
        key,
        role: request.role,
        model: request.model,
        promptVersion: request.promptVersion,
        request: params,
        choices,
        promptTokens: response.usage?.prompt_tokens ?? 0,
        completionTokens,
        runId: request.runId,
        round: request.round,
      })
      .onConflictDoNothing();
    return { choices, cached: false, completionTokens };
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
      metrics.replyRejected(request.role, request.round);
      await this.db
        .insert(replyRejections)
        .values({
          id: contentId(
            request.runId,
            request.promptVersion,
            JSON.stringify(request.messages),
            request.seed,
            attempt,
          ),
          runId: request.runId,
          round: request.round,
          role: request.role,
          promptVersion: request.promptVersion,
          attempt,
          error: error ?? 'invalid reply',
          content: content.slice(0, 4000),
        })
        .onConflictDoNothing();
    }
    return null;
  }
}
