import { readFile } from 'node:fs/promises';
import type { Client, Connection } from '@temporalio/client';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import { type ClientConfigProfile, loadClientConfigProfile } from '@temporalio/envconfig';
import type { NativeConnection } from '@temporalio/worker';

export interface TemporalTlsSettings {
  /** Overrides the name checked against the server's certificate (SNI). */
  serverName?: string;
  /** Client certificate and key (mTLS): both or neither. */
  certPath?: string;
  keyPath?: string;
  /** CA of the server's certificate, when the system does not trust it. */
  caPath?: string;
}

export interface TemporalSettings {
  /** host:port of a Temporal cluster; without it the embedded dev server is used. */
  address?: string;
  namespace: string;
  /** true = TLS against the system's CAs; an object adds a CA, a server name, a client pair. */
  tls?: boolean | TemporalTlsSettings;
  /** Variable holding an API key (Temporal Cloud); TEMPORAL_API_KEY is read as well. */
  apiKeyEnv?: string;
  /** Profile of the Temporal CLI's TOML config file to read. */
  profile?: string;
  /** Allow plaintext to a server that is not on this machine. */
  allowInsecure?: boolean;
}

/** PEM from a file or given inline (a profile's *_data, TEMPORAL_TLS_*_DATA). */
type PemSource = { path: string } | { data: string | Uint8Array };

/** Where to connect and how, after the environment, a profile and the config are combined. */
export interface ResolvedTemporalSettings {
  address?: string;
  namespace: string;
  /** undefined = plaintext; {} = TLS checked against the system's CAs. */
  tls?: { serverName?: string; cert?: PemSource; key?: PemSource; ca?: PemSource };
  apiKey?: string;
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
 * (started if needed) when no address is set. See resolveTemporalSettings for what overrides what.
 */
export async function connectTemporal(
  settings: TemporalSettings,
  stateDir: string,
  options: ConnectTemporalOptions = {},
): Promise<TemporalTarget> {
  const resolved = resolveTemporalSettings(settings, options.env ?? process.env);
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
  const { apiKey } = resolved;
  if (resolved.address) {
    address = resolved.address;
    tls = resolved.tls ? await loadTls(resolved.tls) : undefined;
  } else {
    // An API key alone (a variable set for other tools) does not stop the embedded default.
    if (resolved.tls && (settings.tls !== undefined || Object.keys(resolved.tls).length > 0)) {
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
      apiKey,
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
        NativeConnection.connect({ address, tls, apiKey }),
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

/**
 * Combines, first wins: the TEMPORAL_* environment variables (those of `@temporalio/envconfig`
 * and the older TEMPORAL_TLS_CERT/KEY/CA), the TOML profile (only when one is named by
 * temporal.profile, TEMPORAL_PROFILE or TEMPORAL_CONFIG_FILE, so a stray CLI config never
 * redirects a run), then the config. Refuses plaintext to a remote server unless allowed.
 */
export function resolveTemporalSettings(
  settings: TemporalSettings,
  env: NodeJS.ProcessEnv,
): ResolvedTemporalSettings {
  const read = (name: string) => env[name]?.trim() || undefined;
  const vars = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  const useFile = Boolean(
    settings.profile ?? read('TEMPORAL_PROFILE') ?? read('TEMPORAL_CONFIG_FILE'),
  );
  let profile: ClientConfigProfile;
  try {
    profile = loadClientConfigProfile({
      profile: settings.profile,
      overrideEnvVars: vars,
      disableFile: !useFile,
    });
  } catch (error) {
    throw new Error(`Cannot read the Temporal profile: ${(error as Error).message}`);
  }
  const configured = typeof settings.tls === 'object' ? settings.tls : {};
  const file = (path: string | undefined) => (path ? { path } : undefined);

  const address = profile.address || settings.address; // an empty variable counts as unset
  const namespace = profile.namespace || settings.namespace;
  let apiKey = profile.apiKey;
  if (apiKey === undefined && settings.apiKeyEnv) {
    apiKey = read(settings.apiKeyEnv);
    if (apiKey === undefined)
      throw new Error(
        `temporal.apiKeyEnv names ${settings.apiKeyEnv}, but that environment variable is not set.`,
      );
  }
  const tlsFields = {
    serverName:
      read('TEMPORAL_TLS_SERVER_NAME') ?? profile.tls?.serverName ?? configured.serverName,
    cert: file(read('TEMPORAL_TLS_CERT')) ?? profile.tls?.clientCert ?? file(configured.certPath),
    key: file(read('TEMPORAL_TLS_KEY')) ?? profile.tls?.clientKey ?? file(configured.keyPath),
    ca: file(read('TEMPORAL_TLS_CA')) ?? profile.tls?.serverCACert ?? file(configured.caPath),
  };
  if (Boolean(tlsFields.cert) !== Boolean(tlsFields.key))
    throw new Error(
      'Temporal TLS needs both a client certificate and its key: set temporal.tls.certPath and ' +
        'keyPath (or TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY), or neither for server-only TLS.',
    );
  const disabled = profile.tls?.disabled ?? settings.tls === false;
  const wanted =
    profile.tls !== undefined ||
    settings.tls !== undefined ||
    apiKey !== undefined ||
    Object.values(tlsFields).some((v) => v !== undefined);
  const tls = wanted && !disabled ? withoutUndefined(tlsFields) : undefined;

  if (address && !tls && !settings.allowInsecure && !isLoopback(address))
    throw new Error(
      `Refusing a plaintext connection to the Temporal server at ${address}: it is not on this ` +
        'machine, so workflow data and any API key would cross the network unencrypted. Set ' +
        'temporal.tls (true for TLS checked against the system CAs) or, on a network you trust, ' +
        'temporal.allowInsecure: true.',
    );
  return { address, namespace, tls, ...(apiKey === undefined ? {} : { apiKey }) };
}

/** true for localhost, 127.0.0.0/8 and ::1 (with or without a port). */
export function isLoopback(address: string): boolean {
  const host = address.startsWith('[')
    ? address.slice(1, address.indexOf(']'))
    : address.includes(':') && address.indexOf(':') === address.lastIndexOf(':')
      ? address.slice(0, address.indexOf(':'))
      : address;
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

async function loadTls(tls: NonNullable<ResolvedTemporalSettings['tls']>): Promise<TLSConfig> {
  const readPem = async (source: PemSource | undefined, what: string) => {
    if (!source) return undefined;
    if ('data' in source)
      return Buffer.from(typeof source.data === 'string' ? source.data : source.data);
    try {
      return await readFile(source.path);
    } catch (error) {
      throw new Error(
        `Cannot read the Temporal TLS ${what} ${source.path}: ${(error as Error).message}`,
      );
    }
  };
  const crt = await readPem(tls.cert, 'certificate');
  const key = await readPem(tls.key, 'key');
  return {
    serverNameOverride: tls.serverName,
    // Without a client pair this is server-only TLS; without a CA, the system's CAs are used.
    clientCertPair: crt && key ? { crt, key } : undefined,
    serverRootCACertificate: await readPem(tls.ca, 'CA certificate'),
  };
}
