// The lab server's own HTTP helpers; the shared ones are in system/http.ts.
import type { ServerResponse } from 'node:http';
import { sendJson } from '../system/http';

export { HttpError, readJson, sendJson, sendOpenAiError, sendText } from '../system/http';

/** vLLM's error shape for its adapter endpoints. */
export function sendVllmError(res: ServerResponse, status: number, message: string): void {
  const type = status === 404 ? 'NotFoundError' : 'BadRequestError';
  sendJson(res, status, { object: 'error', message, type, param: null, code: status });
}

/** JSON with object keys sorted at every level: equal requests give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A rough token count (about four characters a token), enough for plausible usage numbers. */
export const approxTokens = (text: string) => Math.ceil(text.length / 4);
