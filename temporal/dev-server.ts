import { spawn } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync, writeSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Connection } from '@temporalio/client';
import {
  isProcessAlive,
  processCommandLine,
  signalGroup,
  waitForProcessExit,
} from '../system/processes';
import { findTemporalCli, temporalCliVersion } from './cli-binary';
import {
  type DevServerRecord,
  devServerPaths,
  otherVersionDatabases,
  readDevServerRecord,
  removeDevServerRecord,
  writeDevServerRecord,
} from './dev-server-state';
import { withFileLock } from './file-lock';
import { findFreePorts } from './free-port';
import { ensureNamespaceRetention } from './namespace-retention';
import { lastLines } from './run-command';
import { TemporalNotReadyError, waitForTemporal } from './server-readiness';

export interface DevServer {
  /** gRPC host:port. */
  address: string;
  uiUrl: string;
  namespace: string;
  pid: number;
  /** True when an already running server was found rather than started. */
  reused: boolean;
}

export interface EnsureDevServerOptions {
  onProgress?: (msg: string) => void;
  /** Namespace to create if missing and give long retention (default "default"). */
  namespace?: string;
  /** Temporal CLI to start the server with (default: findTemporalCli()). */
  cliPath?: string;
  /** Keep closed workflow histories this long (default 30 days; the dev server's own is 1 day). */
  retentionDays?: number;
  /** How long a starting server may take to answer (default 60 s, for loaded small machines). */
  readyTimeoutMs?: number;
}

const DEFAULT_NAMESPACE = 'default';
const DEFAULT_RETENTION_DAYS = 30;
const DEFAULT_READY_TIMEOUT_MS = 60_000;
// Whoever holds the lock may be building the CLI with Go (minutes) before starting the server.
const LOCK_TIMEOUT_MS = 40 * 60_000;
const HOST = '127.0.0.1';
const START_ATTEMPTS = 3;

/**
 * The Temporal dev server of stateDir: reuses the one recorded in <stateDir>/temporal/server.json
 * when it is alive and answers (whichever process started it), otherwise starts a new detached
 * one on the persistent SQLite file of this CLI version, on free ports.
 */
export async function ensureDevServer(
  stateDir: string,
  options: EnsureDevServerOptions = {},
): Promise<DevServer> {
  const absoluteStateDir = resolve(stateDir);
  const paths = devServerPaths(absoluteStateDir);
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const progress = options.onProgress ?? (() => {});

  return withFileLock(
    paths.lock,
    {
      timeoutMs: LOCK_TIMEOUT_MS,
      onWait: (pid) =>
        progress(`waiting for process ${pid}, which is starting the Temporal dev server`),
    },
    async () => {
      const recorded = await readDevServerRecord(absoluteStateDir);
      if (recorded) {
        const connection = await connectToRecordedServer(
          absoluteStateDir,
          recorded,
          readyTimeoutMs,
          progress,
        );
        if (connection) {
          await withConnection(connection, () =>
            ensureNamespaceRetention(connection, namespace, retentionDays),
          );
          return describeServer(recorded, namespace, true);
        }
      }

      const cliPath =
        options.cliPath ?? (await findTemporalCli({ onProgress: options.onProgress }));
      const version = await temporalCliVersion(cliPath);
      for (let attempt = 1; ; attempt++) {
        try {
          const { record, connection } = await startServer(absoluteStateDir, {
            cliPath,
            version,
            namespace,
            readyTimeoutMs,
            progress,
          });
          await withConnection(connection, () =>
            ensureNamespaceRetention(connection, namespace, retentionDays),
          );
          return describeServer(record, namespace, false);
        } catch (error) {
          // Free ports are picked before the server binds them: another process may win the race.
          if (!(error instanceof PortTakenError) || attempt >= START_ATTEMPTS) throw error;
          progress('a port picked for the Temporal dev server was taken meanwhile; retrying');
        }
      }
    },
  );
}

/** Stops the dev server recorded for stateDir (SIGTERM, then SIGKILL). True if one was running. */
export async function stopDevServer(
  stateDir: string,
  options: { graceMs?: number } = {},
): Promise<boolean> {
  const absoluteStateDir = resolve(stateDir);
  return withFileLock(
    devServerPaths(absoluteStateDir).lock,
    { timeoutMs: LOCK_TIMEOUT_MS },
    async () => {
      const recorded = await readDevServerRecord(absoluteStateDir);
      if (!recorded) return false;
      const running = isProcessAlive(recorded.pid) && looksLikeDevServer(recorded.pid) !== false;
      if (running) await killProcessGroup(recorded.pid, options.graceMs ?? 15_000);
      await removeDevServerRecord(absoluteStateDir);
      return running;
    },
  );
}

function describeServer(record: DevServerRecord, namespace: string, reused: boolean): DevServer {
  return {
    address: `${HOST}:${record.port}`,
    uiUrl: `http://${HOST}:${record.uiPort}`,
    namespace,
    pid: record.pid,
    reused,
  };
}

/** A connection to the recorded server if it runs and answers; otherwise cleans up and returns undefined. */
async function connectToRecordedServer(
  stateDir: string,
  record: DevServerRecord,
  readyTimeoutMs: number,
  progress: (msg: string) => void,
): Promise<Connection | undefined> {
  const { pid } = record;
  if (!isProcessAlive(pid) || looksLikeDevServer(pid) === false) {
    progress(
      `the Temporal dev server recorded for ${stateDir} (pid ${pid}) is not running; starting a new one`,
    );
    return undefined;
  }
  try {
    // Usually answers at once; a longer wait covers a server whose starter died mid-startup.
    return await waitForTemporal(`${HOST}:${record.port}`, {
      timeoutMs: readyTimeoutMs,
      whyGaveUp: () => (isProcessAlive(pid) ? undefined : `pid ${pid} exited`),
    });
  } catch (error) {
    if (!(error instanceof TemporalNotReadyError)) throw error;
  }
  if (isProcessAlive(pid)) {
    if (looksLikeDevServer(pid) !== true) {
      throw new Error(
        `Process ${pid}, recorded in ${devServerPaths(stateDir).record} as the Temporal dev server, ` +
          `runs but does not answer on ${HOST}:${record.port}. Stop it, or delete that file.`,
      );
    }
    progress(
      `the Temporal dev server (pid ${pid}) does not answer; stopping it and starting a new one`,
    );
    await killProcessGroup(pid, 10_000);
  }
  return undefined;
}

class PortTakenError extends Error {}

async function startServer(
  stateDir: string,
  settings: {
    cliPath: string;
    version: string;
    namespace: string;
    readyTimeoutMs: number;
    progress: (msg: string) => void;
  },
): Promise<{ record: DevServerRecord; connection: Connection }> {
  const paths = devServerPaths(stateDir);
  const dbPath = paths.db(settings.version);
  if (!existsSync(dbPath)) {
    const others = await otherVersionDatabases(stateDir, settings.version);
    if (others.length > 0)
      settings.progress(
        `the Temporal CLI is now v${settings.version}; the dev server database of ` +
          `${others.map((o) => `v${o.version} (${o.dbPath})`).join(', ')} does not migrate to it, ` +
          'so this server starts with an empty history. The old database stays in place; runs ' +
          'resume from the socratic database. To see old workflows in the UI, stop this server ' +
          '(`socratic server stop`) and start again with TEMPORAL_CLI set to the old CLI.',
      );
  }
  await mkdir(dirname(dbPath), { recursive: true });
  const [port, uiPort] = (await findFreePorts(2, HOST)) as [number, number];
  const args = [
    'server',
    'start-dev',
    '--ip',
    HOST,
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--db-filename',
    dbPath,
    '--log-level',
    'warn',
    ...(settings.namespace === DEFAULT_NAMESPACE ? [] : ['--namespace', settings.namespace]),
  ];

  const logFd = openSync(paths.log, 'a');
  const logStart = fstatSync(logFd).size;
  writeSync(logFd, `\n--- ${new Date().toISOString()} ${settings.cliPath} ${args.join(' ')}\n`);
  let exited: string | undefined;
  let child: ReturnType<typeof spawn>;
  try {
    // Own process group and no pipes to us: the server outlives this process, even a kill -9.
    child = spawn(settings.cliPath, args, {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: serverEnvironment(),
    });
  } finally {
    closeSync(logFd);
  }
  child.on('error', (error) => {
    exited = `could not be started: ${error.message}`;
  });
  child.on('exit', (code, signal) => {
    exited = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  });
  child.unref();
  const pid = child.pid;
  if (pid === undefined) {
    await new Promise((resolveSoon) => setImmediate(resolveSoon));
    throw new Error(
      `The Temporal dev server (${settings.cliPath}) ${exited ?? 'could not be started'}.`,
    );
  }

  const record: DevServerRecord = {
    pid,
    port,
    uiPort,
    cliPath: settings.cliPath,
    version: settings.version,
    dbPath,
    startedAt: new Date().toISOString(),
  };
  // Recorded before it is ready, so a caller that comes after our death finds it and waits.
  await writeDevServerRecord(stateDir, record);
  settings.progress(`starting the Temporal dev server (pid ${pid}, ${HOST}:${port}, db ${dbPath})`);

  try {
    const connection = await waitForTemporal(`${HOST}:${port}`, {
      timeoutMs: settings.readyTimeoutMs,
      whyGaveUp: () => exited ?? (isProcessAlive(pid) ? undefined : 'exited'),
    });
    return { record, connection };
  } catch (error) {
    await removeDevServerRecord(stateDir);
    if (!(error instanceof TemporalNotReadyError)) {
      await killProcessGroup(pid, 5_000);
      throw error;
    }
    if (error.reason === 'timeout') await killProcessGroup(pid, 5_000);
    const tail = lastLines(await readFrom(paths.log, logStart), 20);
    if (error.reason === 'gone' && /address already in use|bind: /i.test(tail)) {
      throw new PortTakenError(tail);
    }
    const what =
      error.reason === 'gone'
        ? `${exited ?? 'exited'} during startup`
        : `did not answer within ${Math.round(settings.readyTimeoutMs / 1000)} s and was stopped`;
    throw new Error(
      `The Temporal dev server (pid ${pid}) ${what}. Its log is ${paths.log}; last lines:\n${tail}`,
    );
  }
}

// Only what a process needs to run: the server gets none of our secrets (API keys, database
// URLs), and no TEMPORAL_* variables, which the CLI would read as its own settings.
const SERVER_VARIABLES =
  /^(PATH|HOME|USER|LOGNAME|TMPDIR|TMP|TEMP|LANG|LANGUAGE|LC_\w+|TZ|SYSTEMROOT|WINDIR|USERPROFILE|LOCALAPPDATA|APPDATA)$/;

export function serverEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => SERVER_VARIABLES.test(name)));
}

/** true: it is a `temporal server start-dev`; false: some other program (the pid was reused); undefined: cannot tell. */
function looksLikeDevServer(pid: number): boolean | undefined {
  const commandLine = processCommandLine(pid);
  if (commandLine === undefined) return undefined;
  return commandLine.includes('start-dev');
}

/** The server leads its own process group (detached): signal the group, else the pid. */
function signalServer(pid: number, signal: NodeJS.Signals): void {
  try {
    if (!signalGroup(pid, signal)) process.kill(pid, signal);
  } catch {
    // already gone, or not ours to signal
  }
}

async function killProcessGroup(pid: number, graceMs: number): Promise<void> {
  signalServer(pid, 'SIGTERM');
  if (await waitForProcessExit(pid, graceMs)) return;
  signalServer(pid, 'SIGKILL');
  await waitForProcessExit(pid, 5_000);
}

async function withConnection<T>(connection: Connection, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    await connection.close().catch(() => {});
  }
}

async function readFrom(path: string, offset: number): Promise<string> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return '';
  try {
    const { size } = await handle.stat();
    const start = Math.max(offset, size - 64_000);
    const buffer = Buffer.alloc(Math.max(0, size - start));
    await handle.read(buffer, 0, buffer.length, start);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}
