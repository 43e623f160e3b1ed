import { constants } from 'node:fs';
import { access, mkdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { withFileLock } from './file-lock';
import { lastLines, runCommand } from './run-command';

/** The CLI we build when none is installed: v1.5.1 embeds Temporal Server 1.29.1. */
export const TEMPORAL_CLI_VERSION = '1.5.1';
const CLI_GO_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';
// Without this, `go install` builds report "0.0.0-DEV" from `temporal --version`.
const CLI_VERSION_LDFLAG = `-X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`;
const BUILD_TIMEOUT_MS = 30 * 60_000;
const CLI_BINARY_NAME = process.platform === 'win32' ? 'temporal.exe' : 'temporal';

export interface FindTemporalCliOptions {
  onProgress?: (msg: string) => void;
  /** Environment to read TEMPORAL_CLI and PATH from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Where the built CLI lives (default: ~/.cache/socratic/temporal-cli-1.5.1). */
  cacheDir?: string;
}

export function defaultTemporalCliCacheDir(): string {
  return join(homedir(), '.cache', 'socratic', `temporal-cli-${TEMPORAL_CLI_VERSION}`);
}

/**
 * Path of a Temporal CLI, first of: $TEMPORAL_CLI, `temporal` on PATH, the cached build,
 * or a fresh `go install` of v1.5.1 into the cache (once; a lock keeps parallel builds out).
 */
export async function findTemporalCli(options: FindTemporalCliOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const cacheDir = options.cacheDir ?? defaultTemporalCliCacheDir();

  const fromEnv = env.TEMPORAL_CLI?.trim();
  if (fromEnv) {
    const path = resolve(fromEnv);
    if (await isExecutableFile(path)) return path;
    throw new Error(`TEMPORAL_CLI is set to ${fromEnv}, which is not an executable file.`);
  }

  const onPath = await findOnPath(CLI_BINARY_NAME, env.PATH ?? '');
  if (onPath) return onPath;

  const cached = join(cacheDir, CLI_BINARY_NAME);
  if (await isExecutableFile(cached)) return cached;

  await withFileLock(
    `${cacheDir}.lock`,
    {
      timeoutMs: BUILD_TIMEOUT_MS,
      onWait: (pid) =>
        options.onProgress?.(`waiting for process ${pid}, which is building the Temporal CLI`),
    },
    async () => {
      // Whoever held the lock before us may have built it already.
      if (!(await isExecutableFile(cached))) await buildCli(cacheDir, env, options.onProgress);
    },
  );
  return cached;
}

async function buildCli(
  cacheDir: string,
  env: NodeJS.ProcessEnv,
  onProgress?: (msg: string) => void,
): Promise<void> {
  onProgress?.(
    `building the Temporal CLI v${TEMPORAL_CLI_VERSION} with Go, once; takes a few minutes (into ${cacheDir})`,
  );
  // Build into a private dir and rename into place, so a killed build never leaves half a binary.
  const buildDir = `${cacheDir}.build-${process.pid}`;
  await rm(buildDir, { recursive: true, force: true });
  await mkdir(buildDir, { recursive: true });
  try {
    const argv = [
      'go',
      'install',
      `-ldflags=${CLI_VERSION_LDFLAG}`,
      `${CLI_GO_PACKAGE}@v${TEMPORAL_CLI_VERSION}`,
    ];
    let result: Awaited<ReturnType<typeof runCommand>>;
    try {
      result = await runCommand(argv, {
        env: { ...env, GOBIN: buildDir },
        timeoutMs: BUILD_TIMEOUT_MS,
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error(
          'No Temporal CLI found (not in $TEMPORAL_CLI, not `temporal` on PATH, not in ' +
            `${cacheDir}) and Go is not installed to build it. Install Go (https://go.dev/dl/) ` +
            'or the Temporal CLI (https://docs.temporal.io/cli), or set TEMPORAL_CLI=/path/to/temporal.',
        );
      }
      throw error;
    }
    const built = join(buildDir, CLI_BINARY_NAME);
    if (result.code !== 0 || !(await isExecutableFile(built))) {
      const how = result.signal
        ? `was killed by ${result.signal}`
        : `exited with code ${result.code}`;
      throw new Error(
        `Building the Temporal CLI failed: \`${argv.join(' ')}\` ${how}. Last output:\n` +
          `${lastLines(result.output, 30)}\n` +
          'Alternatively install the Temporal CLI yourself and set TEMPORAL_CLI=/path/to/temporal.',
      );
    }
    await mkdir(cacheDir, { recursive: true });
    await rename(built, join(cacheDir, CLI_BINARY_NAME));
    onProgress?.(`built the Temporal CLI: ${join(cacheDir, CLI_BINARY_NAME)}`);
  } finally {
    await rm(buildDir, { recursive: true, force: true });
  }
}

/**
 * The CLI's version, used to key state that does not migrate between versions (the dev
 * server's SQLite file). Builds without version stamping report 0.0.0-DEV; for those we fall
 * back to the embedded server's version, which is what decides the database schema.
 */
export async function temporalCliVersion(cliPath: string): Promise<string> {
  const result = await runCommand([cliPath, '--version'], { timeoutMs: 30_000 });
  const cli = /version\s+(\S+)/.exec(result.output)?.[1];
  const server = /Server\s+([^\s,)]+)/.exec(result.output)?.[1];
  if (result.code !== 0 || (!cli && !server)) {
    throw new Error(
      `Could not read the version of the Temporal CLI at ${cliPath} (\`temporal --version\` ` +
        `exited with code ${result.code}):\n${lastLines(result.output, 10)}`,
    );
  }
  if (cli && cli !== '0.0.0-DEV') return cli;
  if (cliPath === join(defaultTemporalCliCacheDir(), CLI_BINARY_NAME)) return TEMPORAL_CLI_VERSION;
  return server ? `dev-server-${server}` : 'dev';
}

async function findOnPath(name: string, pathVariable: string): Promise<string | undefined> {
  for (const dir of pathVariable.split(delimiter)) {
    if (!dir) continue;
    const candidate = resolve(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
