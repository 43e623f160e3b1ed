import { readFile } from 'node:fs/promises';
import type { Client, Connection } from '@temporalio/client';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import type { NativeConnection } from '@temporalio/worker';

export interface TemporalTlsSettings {
  /** Overrides the name checked against the server's certificate (SNI). */
  serverName?: string;
  certPath: string;
  keyPath: string;
  /** CA of the server's certificate, when the system does not trust it. */
  caPath?: string;
}

export interface TemporalSettings {
  /** host:port of a Temporal cluster; without it the embedded dev server is used. */
  address?: string;
  namespace: string;
  tls?: TemporalTlsSettings;
}

export interface TemporalTarget {
  address: string;
  namespace: string;
  /** Web UI, known for the embedded dev server. */
  uiUrl?: string;
  /** True when this is the dev server that we run ourselves. */
  embedded: boolean;
  client: Client;
  /** One shared connection for workers, opened on first use and closed by close(). */
  nativeConnection(): Promise<NativeConnection>;
  close(): Promise<void>;
}

export interface ConnectTemporalOptions {
  onProgress?: (msg: string) => void;
  /** Environment holding the TEMPORAL_* overrides (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** How long a cluster given by address may take to answer (default 30 s). */
  connectTimeoutMs?: number;
}

/**
 * Connects to the configured Temporal cluster, or to the embedded dev server of stateDir
 * (started if needed) when no address is set. TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY, TEMPORAL_TLS_CA and TEMPORAL_TLS_SERVER_NAME override settings.
 */
export async function connectTemporal(
  settings: TemporalSettings,
  stateDir: string,
  options: ConnectTemporalOptions = {},
): Promise<TemporalTarget> {
  const resolved = applyEnvironmentOverrides(settings, options.env ?? process.env);
  // Loaded here, not at the top: the Temporal client takes a while to load, and commands
  // that never connect (status of a finished run, export, verify) should start at once.
  const [{ Client }, { ensureDevServer }, { waitForTemporal }] = await Promise.all([
    import('@temporalio/client'),
    import('./dev-server.js'),
    import('./server-readiness.js'),
  ]);

  let address: string;
  let uiUrl: string | undefined;
  let tls: TLSConfig | undefined;
  if (resolved.address) {
    address = resolved.address;
    tls = resolved.tls ? await loadTls(resolved.tls) : undefined;
  } else {
    if (resolved.tls) {
      throw new Error(
        'Temporal TLS settings were given without an address; set temporal.address (or TEMPORAL_ADDRESS) ' +
          'to the cluster they are for, or drop them to use the embedded dev server.',
      );
    }
    const server = await ensureDevServer(stateDir, {
      namespace: resolved.namespace,
      onProgress: options.onProgress,
    });
    address = server.address;
    uiUrl = server.uiUrl;
  }

  let connection: Connection;
  try {
    connection = await waitForTemporal(address, {
      timeoutMs: options.connectTimeoutMs ?? 30_000,
      tls,
    });
  } catch (error) {
    throw new Error(
      `Cannot reach Temporal at ${address}${tls ? ' (TLS)' : ''}: ${(error as Error).message}`,
    );
  }
  const client = new Client({ connection, namespace: resolved.namespace });

  let native: Promise<NativeConnection> | undefined;
  return {
    address,
    namespace: resolved.namespace,
    uiUrl,
    embedded: uiUrl !== undefined,
    client,
    nativeConnection() {
      // Loaded lazily: the worker package pulls in the native core, which clients do not need.
      native ??= import('@temporalio/worker').then(({ NativeConnection }) =>
        NativeConnection.connect({ address, tls }),
      );
      return native;
    },
    async close() {
      const pendingNative = native;
      native = undefined;
      await Promise.allSettled([
        connection.close(),
        pendingNative?.then((nativeConnection) => nativeConnection.close()),
      ]);
    },
  };
}

/** settings with the TEMPORAL_* environment variables applied on top. */
export function applyEnvironmentOverrides(
  settings: TemporalSettings,
  env: NodeJS.ProcessEnv,
): TemporalSettings {
  const read = (name: string) => env[name]?.trim() || undefined;
  const address = read('TEMPORAL_ADDRESS') ?? settings.address;
  const namespace = read('TEMPORAL_NAMESPACE') ?? settings.namespace;
  const tlsFields = {
    certPath: read('TEMPORAL_TLS_CERT') ?? settings.tls?.certPath,
    keyPath: read('TEMPORAL_TLS_KEY') ?? settings.tls?.keyPath,
    caPath: read('TEMPORAL_TLS_CA') ?? settings.tls?.caPath,
    serverName: read('TEMPORAL_TLS_SERVER_NAME') ?? settings.tls?.serverName,
  };
  let tls: TemporalTlsSettings | undefined;
  if (Object.values(tlsFields).some((value) => value !== undefined)) {
    const { certPath, keyPath } = tlsFields;
    if (!certPath || !keyPath) {
      throw new Error(
        'Temporal TLS needs both a client certificate and its key: set temporal.tls.certPath and ' +
          'keyPath (or TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY).',
      );
    }
    tls = { ...tlsFields, certPath, keyPath };
  }
  return { address, namespace, tls };
}

async function loadTls(tls: TemporalTlsSettings): Promise<TLSConfig> {
  const readPem = async (path: string, what: string) => {
    try {
      return await readFile(path);
    } catch (error) {
      throw new Error(`Cannot read the Temporal TLS ${what} ${path}: ${(error as Error).message}`);
    }
  };
  return {
    serverNameOverride: tls.serverName,
    clientCertPair: {
      crt: await readPem(tls.certPath, 'certificate'),
      key: await readPem(tls.keyPath, 'key'),
    },
    serverRootCACertificate: tls.caPath ? await readPem(tls.caPath, 'CA certificate') : undefined,
  };
}
