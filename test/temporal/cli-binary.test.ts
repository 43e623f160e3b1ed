import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { findTemporalCli, temporalCliVersion } from '../../temporal/cli-binary';
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

test('without any CLI and without Go, the error says what to install', async () => {
  const progress: string[] = [];
  await assert.rejects(
    findTemporalCli({
      env: { PATH: join(scratch, 'nothing-here') },
      cacheDir: emptyCache(),
      onProgress: (msg) => progress.push(msg),
    }),
    /Go is not installed to build it.*TEMPORAL_CLI=/s,
  );
  assert.match(
    progress[0] ?? '',
    /building the Temporal CLI v1\.5\.1 with Go, once; takes a few minutes/,
  );
});

test('a failed Go build reports the tail of its output', async () => {
  const fakeGo = dirWithScript(
    'fake-go',
    'go',
    'echo "compiling..."; echo "boom: no space left" >&2; exit 2',
  );
  const cacheDir = emptyCache();
  await assert.rejects(findTemporalCli({ env: { PATH: fakeGo }, cacheDir }), (error: Error) => {
    assert.match(
      error.message,
      /Building the Temporal CLI failed: `go install .*exited with code 2/,
    );
    assert.match(error.message, /boom: no space left/);
    return true;
  });
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
    await findTemporalCli({ env: { PATH: `${fakeGo}:/usr/bin:/bin` }, cacheDir }),
    join(cacheDir, 'temporal'),
  );
});

test('the real CLI reports a version to key its database by', async () => {
  assert.match(await temporalCliVersion(testTemporal().cli), /^(\d+\.\d+\.\d+\S*|dev-server-\S+)$/);
});
