// The openai client's errors cross the HTTP thread (activities/llm/http.ts) and come back
// as their own classes, which failures.ts reads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  NotFoundError,
  RateLimitError,
} from 'openai';
import { crossable, reviveHttpError } from '../../activities/llm/http';
import { toThreadError } from '../../system/threads';

/** As the thread sends it: crossable(), then structured-cloned through toThreadError(). */
const across = (error: unknown) =>
  reviveHttpError(structuredClone(toThreadError(crossable(error))));

describe('openai errors across the HTTP thread', () => {
  it('an HTTP status comes back as its class, with the status, body, headers and message', () => {
    const original = APIError.generate(
      429,
      { error: { message: 'slow down', type: 'rate_limit' } },
      undefined,
      new Headers({ 'retry-after': '2', 'x-request-id': 'req-1' }),
    );
    const revived = across(original) as RateLimitError;
    assert.ok(revived instanceof RateLimitError);
    assert.equal(revived.status, 429);
    assert.equal(revived.message, original.message);
    assert.deepEqual(revived.error, { message: 'slow down', type: 'rate_limit' });
    assert.equal(revived.headers?.get('retry-after'), '2');
    assert.equal(revived.requestID, 'req-1');
    const missing = APIError.generate(404, undefined, undefined, new Headers());
    const notFound = across(missing);
    assert.ok(notFound instanceof NotFoundError);
    assert.equal((notFound as Error).message, missing.message);
  });

  it('a timeout, a dropped connection and an abort keep their classes', () => {
    const timeout = across(new APIConnectionTimeoutError());
    assert.ok(timeout instanceof APIConnectionTimeoutError);
    const dropped = across(new APIConnectionError({ message: 'socket hang up' }));
    assert.ok(dropped instanceof APIConnectionError);
    assert.ok(!(dropped instanceof APIConnectionTimeoutError));
    assert.equal((dropped as Error).message, 'socket hang up');
    assert.ok(across(new APIUserAbortError()) instanceof APIUserAbortError);
  });

  it('any other error comes back a plain Error with its name and message', () => {
    const revived = across(new TypeError('bad input')) as Error;
    assert.ok(!(revived instanceof APIError));
    assert.equal(revived.name, 'TypeError');
    assert.equal(revived.message, 'bad input');
  });
});
