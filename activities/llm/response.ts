// What an OpenAI-compatible endpoint answered, checked before anything caches or stores
// it: its shape (zod), its text (cleanText) and its size (a per-role byte cap).
import { z } from 'zod';
import { cleanText } from '../../prompts/replies';

/** Appended to a reply cut at its role's byte cap; an attempt that carries it counts as wrong. */
export const TRUNCATION_MARK = '\n[socratic: reply truncated at its size cap]';

/**
 * Most bytes one reply may hold: four bytes for each of four characters per token, twice
 * over, so a reply within `maxTokens` is never cut and a runaway one is.
 */
export function replyByteCap(maxTokens: number): number {
  return maxTokens * 32;
}

/** Most bytes a whole response body may hold before it is refused unread. */
export function bodyByteCap(maxTokens: number, n: number): number {
  // JSON escapes can take six bytes for one; the rest is room for the envelope.
  return replyByteCap(maxTokens) * n * 6 + 1024 * 1024;
}

const TokenCount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const Completion = z.object({
  choices: z.array(
    z.object({
      index: z.number().int().nonnegative().optional(),
      message: z.object({ content: z.string() }),
    }),
  ),
  usage: z.unknown().optional(),
});

export interface Completion {
  /** Cleaned and capped, in index order; fewer than asked when the server ignored `n`. */
  choices: string[];
  truncated: number;
  /** null: the server did not say, or said something that is not a token count. */
  promptTokens: number | null;
  completionTokens: number | null;
}

export type CompletionOutcome = { ok: true; value: Completion } | { ok: false; reason: string };

/** A reply cut to `cap` UTF-8 bytes (and marked), or as it was. */
export function capReply(text: string, cap: number): { text: string; truncated: boolean } {
  if (Buffer.byteLength(text, 'utf8') <= cap) return { text, truncated: false };
  // A character split at the cut decodes as U+FFFD: still valid text.
  const cut = Buffer.from(text, 'utf8').subarray(0, cap).toString('utf8');
  return { text: cut + TRUNCATION_MARK, truncated: true };
}

/** Reads a chat completion body asked with `n` choices. */
export function readCompletion(body: string, n: number, capBytes: number): CompletionOutcome {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { ok: false, reason: `body is not JSON: ${(error as Error).message}` };
  }
  const parsed = Completion.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `${issue.path.join('.') || 'body'}: ${issue.message}` };
  }
  const { choices, usage } = parsed.data;
  if (choices.length === 0) return { ok: false, reason: 'no choices' };
  if (choices.length > n) return { ok: false, reason: `${choices.length} choices, asked for ${n}` };
  let truncated = 0;
  const texts = [...choices]
    .sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
    .map((c) => {
      const capped = capReply(cleanText(c.message.content), capBytes);
      if (capped.truncated) truncated++;
      return capped.text;
    });
  const counts = (usage ?? {}) as Record<string, unknown>;
  const count = (value: unknown) => TokenCount.safeParse(value).data ?? null;
  return {
    ok: true,
    value: {
      choices: texts,
      truncated,
      promptTokens: count(counts.prompt_tokens),
      completionTokens: count(counts.completion_tokens),
    },
  };
}
