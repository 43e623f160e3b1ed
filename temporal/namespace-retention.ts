import { setTimeout as sleep } from 'node:timers/promises';
import { type ConnectionLike, isGrpcServiceError } from '@temporalio/client';
import { msNumberToTs, optionalTsToMs } from '@temporalio/common/lib/time';

// gRPC status codes (not importing @grpc/grpc-js: it is not a direct dependency).
const GrpcStatus = { NOT_FOUND: 5, ALREADY_EXISTS: 6 } as const;
const DAY_SECONDS = 24 * 60 * 60;

/**
 * Makes sure namespace exists and keeps closed workflow histories at least retentionDays
 * (the dev server's default is 24 h, too short to inspect a finished multi-day run).
 * Checks afterwards that the setting took, and waits until the namespace serves requests.
 */
export async function ensureNamespaceRetention(
  connection: ConnectionLike,
  namespace: string,
  retentionDays: number,
): Promise<void> {
  const service = connection.workflowService;
  const wantSeconds = Math.round(retentionDays * DAY_SECONDS);
  const retention = msNumberToTs(wantSeconds * 1000);

  let current = await describeRetentionSeconds(connection, namespace);
  if (current === undefined) {
    try {
      await service.registerNamespace({ namespace, workflowExecutionRetentionPeriod: retention });
    } catch (error) {
      // Someone else registered it between our describe and register: fine.
      if (!(isGrpcServiceError(error) && error.code === GrpcStatus.ALREADY_EXISTS)) throw error;
    }
    current = await describeRetentionSeconds(connection, namespace);
  }
  if (current !== undefined && current < wantSeconds) {
    await service.updateNamespace({
      namespace,
      config: { workflowExecutionRetentionTtl: retention },
    });
    current = await describeRetentionSeconds(connection, namespace);
  }
  if (current === undefined || current < wantSeconds) {
    throw new Error(
      `Could not set the retention of Temporal namespace "${namespace}" to ${retentionDays} days ` +
        `(it is ${current === undefined ? 'missing' : `${current / DAY_SECONDS} days`}).`,
    );
  }
  await waitUntilNamespaceServes(connection, namespace);
}

/** Retention of namespace in seconds, or undefined when the namespace does not exist. */
export async function describeRetentionSeconds(
  connection: ConnectionLike,
  namespace: string,
): Promise<number | undefined> {
  try {
    const described = await connection.workflowService.describeNamespace({ namespace });
    return (optionalTsToMs(described.config?.workflowExecutionRetentionTtl) ?? 0) / 1000;
  } catch (error) {
    if (isGrpcServiceError(error) && error.code === GrpcStatus.NOT_FOUND) return undefined;
    throw error;
  }
}

// A freshly registered namespace answers describe at once but other calls only after the
// server's namespace cache refreshes (up to ~10 s).
async function waitUntilNamespaceServes(
  connection: ConnectionLike,
  namespace: string,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await connection.workflowService.countWorkflowExecutions({ namespace, query: '' });
      return;
    } catch (error) {
      const notYet = isGrpcServiceError(error) && error.code === GrpcStatus.NOT_FOUND;
      if (!notYet || Date.now() > deadline) throw error;
    }
    await sleep(500);
  }
}
