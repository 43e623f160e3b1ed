// What an endpoint's refusal means for the activity (issue 8 point 6): failures that
// cannot heal (a refused key, an unknown model, a missing key variable) are
// non-retryable and say the fix in one line; the rest (429, 5xx, timeouts, dropped
// connections, invalid responses) are retried with backoff, first by the openai client
// (honouring Retry-After), then by Temporal.
import { ApplicationFailure } from '@temporalio/common';
import {
  APIConnectionError,
  APIError,
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  PermissionDeniedError,
} from 'openai';
import type { RoleName } from '../../config/schema';

export const LLM_FAILURES = {
  /** The endpoint refused the API key (401/403). */
  auth: 'LlmAuthRefused',
  /** The endpoint does not know the model, or the base URL is wrong (404). */
  modelNotFound: 'LlmModelNotFound',
  /** The role's apiKeyEnv names a variable that is not set. */
  apiKeyMissing: 'LlmApiKeyMissing',
  /** The role points at the embedded lab, but none runs in this worker. */
  noEndpoint: 'LlmEndpointMissing',
  /** HTTP 400: the server refused the request itself (a parameter it does not take, say). */
  badRequest: 'LlmBadRequest',
  /** Rate limit, server error, timeout or dropped connection, after the client's own retries. */
  unavailable: 'LlmUnavailable',
  /** Responses that were not a valid chat completion, after the gateway's own retries. */
  invalidResponse: 'LlmInvalidResponse',
} as const;

export function llmFailure(
  role: RoleName,
  where: { baseUrl: string; model: string },
  error: unknown,
): unknown {
  const prefix = `roles.${role} (${where.baseUrl})`;
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError)
    return ApplicationFailure.create({
      type: LLM_FAILURES.auth,
      nonRetryable: true,
      message: `${prefix} refused the API key (${error.status}): set a valid key in the variable roles.${role}.apiKeyEnv names`,
    });
  if (error instanceof NotFoundError)
    return ApplicationFailure.create({
      type: LLM_FAILURES.modelNotFound,
      nonRetryable: true,
      message: `${prefix} has no model "${where.model}" (404): check roles.${role}.model and roles.${role}.baseUrl`,
    });
  if (error instanceof BadRequestError)
    return ApplicationFailure.create({
      type: LLM_FAILURES.badRequest,
      message: `${prefix} refused the request (400): ${firstLine(error.message)}`,
    });
  if (error instanceof APIError && !(error instanceof APIConnectionError) && error.status)
    return ApplicationFailure.create({
      type: LLM_FAILURES.unavailable,
      message: `${prefix} answered ${error.status}: ${firstLine(error.message)}`,
    });
  if (error instanceof APIConnectionError)
    return ApplicationFailure.create({
      type: LLM_FAILURES.unavailable,
      message: `${prefix} unreachable: ${firstLine(error.message)}`,
    });
  return error;
}

export function isBadRequest(error: unknown): boolean {
  return error instanceof ApplicationFailure && error.type === LLM_FAILURES.badRequest;
}

export function apiKeyMissing(role: RoleName, variable: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: LLM_FAILURES.apiKeyMissing,
    nonRetryable: true,
    message: `roles.${role}.apiKeyEnv names ${variable}, which is not set: export ${variable} in the worker's environment`,
  });
}

export function noEndpoint(role: RoleName): ApplicationFailure {
  return ApplicationFailure.create({
    type: LLM_FAILURES.noEndpoint,
    nonRetryable: true,
    message: `roles.${role}.baseUrl is "lab" but no simulated lab is running in this worker: give it a URL`,
  });
}

export function invalidResponses(
  role: RoleName,
  tries: number,
  reason: string,
): ApplicationFailure {
  return ApplicationFailure.create({
    type: LLM_FAILURES.invalidResponse,
    message: `roles.${role}: ${tries} invalid responses in a row, the last: ${reason}`,
  });
}

const firstLine = (text: string) => text.split('\n')[0]!.slice(0, 300);
