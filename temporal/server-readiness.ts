import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';

export interface WaitForTemporalOptions {
  /** Overall budget; a dev server on a loaded 2-core machine can take tens of seconds. */
  timeoutMs: number;
  tls?: TLSConfig;
  /** Temporal Cloud API key (sent as a bearer token; needs TLS). */
  apiKey?: string;
  /** Stop waiting early when this says the server is gone (returns why, or undefined while fine). */
  whyGaveUp?: () => string | undefined;
}

export class TemporalNotReadyError extends Error {
  constructor(
    message: string,
    readonly reason: 'timeout' | 'gone',
  ) {
    super(message);
    this.name = 'TemporalNotReadyError';
  }
}

/**
 * Polls until the server at address answers gRPC (getSystemInfo), and returns that connection.
 * The SDK's own connect timeout is a single short wait, too short for a server still booting.
 */
export async function waitForTemporal(
  address: string,
  options: WaitForTemporalOptions,
): Promise<Connection> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const gone = options.whyGaveUp?.();
    if (gone) throw new TemporalNotReadyError(gone, 'gone');
    const left = deadline - Date.now();
    if (left <= 0) break;
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({
        address,
        tls: options.tls,
        apiKey: options.apiKey,
        connectTimeout: Math.max(500, Math.min(3_000, left)),
      });
      await connection.workflowService.getSystemInfo({});
      return connection;
    } catch (error) {
      lastError = error;
      await connection?.close().catch(() => {});
    }
    await sleep(Math.min(300, Math.max(0, deadline - Date.now())));
  }
  const detail = lastError instanceof Error ? ` Last error: ${lastError.message}` : '';
  throw new TemporalNotReadyError(
    `Temporal at ${address} did not answer within ${Math.round(options.timeoutMs / 1000)} s.${detail}`,
    'timeout',
  );
}
