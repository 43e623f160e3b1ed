// One POST of a chat completion and the reading of its answer, as the gateway's HTTP thread
// (http-thread.ts) runs it: the HTTP client, the body's byte cap and deadline, and the
// shape check (response.ts) all happen there, off the event loop that runs activities.
// What comes back is a checked completion, or the reason it was refused with the body
// (the gateway records it and asks again), or the openai client's error rebuilt as its
// own class (failures.ts reads the class).
import type OpenAI from 'openai';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ThreadError } from '../../system/threads';
import { fromThreadError } from '../../system/threads';
import { type Completion, readCompletion } from './response';

export interface PostRequest {
  /** What the thread builds its openai client from; `timeoutMs` bounds the body's reading too. */
  endpoint: { baseURL: string; apiKey: string; timeoutMs: number; maxRetries: number };
  /** The request body: chatParams(). */
  params: { n: number } & Record<string, unknown>;
  /** Byte cap of one reply (replyByteCap) and of the whole body (bodyByteCap). */
  replyCap: number;
  bodyCap: number;
}

export type PostOutcome =
  | { ok: true; value: Completion }
  | { ok: false; reason: string; body: string };

/** The thread's methods (http-thread.ts). */
export type HttpThreadMethods = {
  post: (request: PostRequest, signal: AbortSignal) => Promise<PostOutcome>;
};

export async function postCompletion(
  client: OpenAI,
  request: PostRequest,
  signal: AbortSignal,
): Promise<PostOutcome> {
  signal.throwIfAborted();
  let body: string;
  try {
    const response = await client.chat.completions
      // The params are chatParams(), built and typed by the gateway.
      .create(request.params as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, {
        signal,
      })
      .asResponse();
    body = await readBody(response, request.bodyCap, request.endpoint.timeoutMs);
  } catch (error) {
    if (error instanceof InvalidBody)
      return { ok: false, reason: error.message, body: error.partial };
    throw error;
  }
  const outcome = readCompletion(body, request.params.n, request.replyCap);
  return outcome.ok ? outcome : { ok: false, reason: `response ${outcome.reason}`, body };
}

/** A body that ended early, ran past its cap, or did not arrive in time. */
class InvalidBody extends Error {
  constructor(
    message: string,
    readonly partial: string,
  ) {
    super(message);
  }
}

async function readBody(response: Response, maxBytes: number, timeoutMs: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const text = () => new TextDecoder().decode(Buffer.concat(chunks));
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    void reader.cancel();
  }, timeoutMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new InvalidBody(`body over ${maxBytes} bytes`, text());
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof InvalidBody) throw error;
    throw new InvalidBody(`body ended early: ${(error as Error).message}`, text());
  } finally {
    clearTimeout(timer);
  }
  if (late) throw new InvalidBody(`body not complete within ${timeoutMs} ms`, text());
  return text();
}

/** What of an openai client error crosses the thread (its Headers object cannot). */
interface OpenAiErrorFields {
  openai: 'status' | 'connection' | 'timeout' | 'abort';
  status?: number;
  body?: unknown;
  headers?: [string, string][];
}

/** In the thread: an openai client error in a form that crosses; others as they are. */
export function crossable(error: unknown): unknown {
  if (!(error instanceof APIError)) return error;
  return Object.assign(new Error(error.message), openAiErrorFields(error));
}

function openAiErrorFields(error: APIError): OpenAiErrorFields {
  // The subclasses first: a timeout is a connection error, and both are APIErrors.
  if (error instanceof APIUserAbortError) return { openai: 'abort' };
  if (error instanceof APIConnectionTimeoutError) return { openai: 'timeout' };
  if (!error.status) return { openai: 'connection' };
  return {
    openai: 'status',
    status: error.status,
    body: error.error,
    headers: [...(error.headers ?? new Headers()).entries()],
  };
}

/** On the caller's side: the openai client's error class again, with the same message. */
export function reviveHttpError(thrown: ThreadError): unknown {
  const revived = openAiError(thrown.message, thrown.fields as Partial<OpenAiErrorFields>);
  if (!revived) return fromThreadError(thrown);
  revived.message = thrown.message;
  return revived;
}

function openAiError(message: string, fields: Partial<OpenAiErrorFields>): APIError | undefined {
  switch (fields.openai) {
    case 'status':
      return fields.status
        ? APIError.generate(
            fields.status,
            { error: fields.body },
            message,
            new Headers(fields.headers ?? []),
          )
        : undefined;
    case 'timeout':
      return new APIConnectionTimeoutError({ message });
    case 'abort':
      return new APIUserAbortError({ message });
    case 'connection':
      return new APIConnectionError({ message });
    default:
      return undefined;
  }
}
