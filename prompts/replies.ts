// What the Teacher and the Generator must answer. Their replies are untrusted:
// every one is parsed and validated here before anything uses it.
import { z } from 'zod';

export const JudgeReply = z.object({
  verdicts: z
    .array(
      z.object({
        index: z.number().int().positive(),
        correct: z.boolean(),
        errorAnalysis: z.string().default(''),
      }),
    )
    .min(1),
});
export type JudgeReply = z.infer<typeof JudgeReply>;

export const NewProblemReply = z.object({
  problem: z.string().trim().min(1),
  solution: z.string().default(''),
  answer: z.string().trim().min(1),
});
export type NewProblemReply = z.infer<typeof NewProblemReply>;

export const SelfVerifyReply = z.object({
  solution: z.string().default(''),
  answer: z.string().default(''),
  /** null when the statement is sound. */
  statementIssue: z.enum(['ambiguous', 'wrong', 'incomplete']).nullable().default(null),
  explanation: z.string().default(''),
});
export type SelfVerifyReply = z.infer<typeof SelfVerifyReply>;

export type ParsedReply<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Text the database can hold: Postgres `text` and `jsonb` refuse NUL, and a lone UTF-16
 * surrogate cannot be encoded as UTF-8. NULs are dropped, lone surrogates become U+FFFD.
 * Every text an endpoint returns passes through here before it is cached or stored.
 */
export function cleanText(text: string): string {
  return text
    .replaceAll('\u0000', '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * The JSON text of a reply: inside its first closed ``` fence, else from its first `{`
 * to its last `}`. Plain index searches, so the cost is linear in the reply
 * (a regex with `\s*` before a lazy group backtracks quadratically on an unclosed fence).
 */
export function jsonCandidate(content: string): string {
  const fence = content.indexOf('```');
  if (fence >= 0) {
    let start = fence + 3;
    if (content.startsWith('json', start)) start += 4;
    const end = content.indexOf('```', start);
    if (end >= 0) return content.slice(start, end).trim();
  }
  return content.slice(content.indexOf('{'), content.lastIndexOf('}') + 1);
}

/**
 * Finds the JSON object in a model reply (bare, or fenced in ```json) and validates it.
 * Every string inside it is cleaned (cleanText): a `\u0000` escape in a JSON field
 * becomes a NUL only once parsed, after the reply's own text was cleaned.
 */
export function parseReply<T>(schema: z.ZodType<T>, content: string): ParsedReply<T> {
  let json: unknown;
  try {
    json = JSON.parse(jsonCandidate(content), (_key, value) =>
      typeof value === 'string' ? cleanText(value) : value,
    );
  } catch (error) {
    return { ok: false, error: `reply is not JSON: ${(error as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return {
      ok: false,
      error: `reply field ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    };
  }
  return { ok: true, value: parsed.data };
}

/** An OpenAI `response_format` asking the server to decode to this reply's JSON schema. */
export interface ReplyFormat {
  name: string;
  schema: Record<string, unknown>;
}

/** The reply schema as JSON Schema, derived from the zod schema (one source of truth). */
export function replyFormat(name: string, schema: z.ZodType): ReplyFormat {
  return { name, schema: portable(z.toJSONSchema(schema)) as Record<string, unknown> };
}

/** Drops what grammar-based decoders (vLLM, llama.cpp, OpenAI strict mode) reject or do not need. */
function portable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(portable);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || key === 'default') continue;
    if (key === 'maximum' && value === Number.MAX_SAFE_INTEGER) continue;
    out[key] = portable(value);
  }
  return out;
}

export const REPLY_FORMATS = {
  judge: replyFormat('judge_reply', JudgeReply),
  newProblem: replyFormat('new_problem', NewProblemReply),
  selfVerify: replyFormat('self_verify_reply', SelfVerifyReply),
} as const;
