import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { isProcessAlive, waitForProcessExit } from '../../system/processes';
import { type DevServer, ensureDevServer, stopDevServer } from '../../temporal/dev-server';
import { describeRetentionSeconds } from '../../temporal/namespace-retention';
import { testTemporal } from '../support/temporal';

const THIRTY_DAYS_SECONDS = 30 * 24 * 60 * 60;
const stateDirs: string[] = [];

// Inside the run's scratch dir: npm test stops servers there even if this file is killed.
function newStateDir(): string {
  const dir = mkdtempSync(join(testTemporal().scratchDir, 'devserver-'));
  stateDirs.push(dir);
  return dir;
}

before(() => {
  testTemporal(); // fails early with "run the tests with npm test" when run on their own
});

// Every server any test started is stopped, whatever failed.
after(async () => {
  for (const dir of stateDirs) {
    await stopDevServer(dir).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
});

async function withClient<T>(server: DevServer, fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: server.address });
  try {
    return await fn(new Client({ connection, namespace: server.namespace }));
  } finally {
    await connection.close();
  }
}

test('starts one server per state dir, reuses it, keeps histories 30 days, and stops it', async () => {
  const stateDir = newStateDir();
  // Two concurrent calls: the lock lets only one of them start a server.
  const [first, second] = await Promise.all([ensureDevServer(stateDir), ensureDevServer(stateDir)]);
  assert.equal(first.pid, second.pid);
  assert.equal(first.address, second.address);
  assert.deepEqual([first.reused, second.reused].sort(), [false, true]);
  assert.match(first.address, /^127\.0\.0\.1:\d+$/);
  assert.match(first.uiUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(first.namespace, 'default');

  const again = await ensureDevServer(stateDir);
  assert.deepEqual(again, { ...first, reused: true });

  await withClient(first, async (client) => {
    await client.connection.workflowService.getSystemInfo({});
    assert.equal(await describeRetentionSeconds(client.connection, 'default'), THIRTY_DAYS_SECONDS);
  });

  const record = JSON.parse(readFileSync(join(stateDir, 'temporal', 'server.json'), 'utf8'));
  assert.equal(record.pid, first.pid);
  assert.equal(`127.0.0.1:${record.port}`, first.address);
  assert.ok(record.cliPath && record.version && record.uiPort);
  assert.ok(record.dbPath.startsWith(join(stateDir, 'temporal', record.version)));

  assert.equal(await stopDevServer(stateDir), true);
  assert.equal(isProcessAlive(first.pid), false);
  assert.equal(await stopDevServer(stateDir), false, 'nothing left to stop');
});

test('another state dir gets its own server on other ports', async () => {
  const one = await ensureDevServer(newStateDir());
  const other = await ensureDevServer(newStateDir(), { namespace: 'socratic' });
  assert.notEqual(one.pid, other.pid);
  assert.notEqual(one.address, other.address);
  assert.notEqual(one.uiUrl, other.uiUrl);
  // A namespace other than "default" is created with the long retention too.
  await withClient(other, async (client) => {
    assert.equal(
      await describeRetentionSeconds(client.connection, 'socratic'),
      THIRTY_DAYS_SECONDS,
    );
  });
});

test('the server outlives a kill -9 of the process that started it, and is reused', async () => {
  const stateDir = newStateDir();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'fixtures', 'start-dev-server.ts'), stateDir],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const started = await new Promise<DevServer>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))));
    });
    child.on('exit', (code) => reject(new Error(`the starter process exited with ${code}`)));
  });
  assert.equal(started.reused, false);

  child.kill('SIGKILL');
  assert.ok(await waitForProcessExit(child.pid!, 10_000));

  const found = await ensureDevServer(stateDir);
  assert.equal(found.reused, true);
  assert.equal(found.pid, started.pid);
  assert.equal(found.address, started.address);
});

test('a server whose starter died before it was ready is waited for and reused', async () => {
  const stateDir = newStateDir();
  const recordPath = join(stateDir, 'temporal', 'server.json');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'fixtures', 'start-dev-server.ts'), stateDir],
    { stdio: 'ignore' },
  );
  // The record is written right after the spawn, before the server answers.
  const deadline = Date.now() + 30_000;
  while (!existsSync(recordPath)) {
    assert.ok(Date.now() < deadline, 'the starter never recorded a server');
    await sleep(20);
  }
  child.kill('SIGKILL'); // leaves its lock file behind, too
  assert.ok(await waitForProcessExit(child.pid!, 10_000));
  const recorded = JSON.parse(readFileSync(recordPath, 'utf8'));

  const found = await ensureDevServer(stateDir);
  assert.equal(found.reused, true);
  assert.equal(found.pid, recorded.pid);
});

test('after its server is killed, a new one starts on the same database and old workflows remain', async () => {
  const stateDir = newStateDir();
  const first = await ensureDevServer(stateDir);
  const workflowId = `survives-restart-${Date.now()}`;
  // No worker polls this queue: the execution simply stays open, stored in the SQLite file.
  await withClient(first, (client) =>
    client.workflow.start('NobodyRunsThis', { taskQueue: 'nobody-polls-this', workflowId }),
  );

  process.kill(first.pid, 'SIGKILL');
  assert.ok(await waitForProcessExit(first.pid, 10_000));

  const second = await ensureDevServer(stateDir);
  assert.equal(second.reused, false);
  assert.notEqual(second.pid, first.pid);
  const description = await withClient(second, (client) =>
    client.workflow.getHandle(workflowId).describe(),
  );
  assert.equal(description.status.name, 'RUNNING');
  assert.equal(description.type, 'NobodyRunsThis');
});

test('a database left by another CLI version stays in place, is named in a message, and is not opened', async () => {
  const stateDir = newStateDir();
  // What an earlier CLI version left: its SQLite file, which the current CLI cannot open.
  const oldDb = join(stateDir, 'temporal', '0.9.0', 'dev.db');
  mkdirSync(dirname(oldDb), { recursive: true });
  writeFileSync(oldDb, 'an old schema');
  const progress: string[] = [];
  const server = await ensureDevServer(stateDir, { onProgress: (m) => progress.push(m) });
  const record = JSON.parse(readFileSync(join(stateDir, 'temporal', 'server.json'), 'utf8'));
  assert.notEqual(record.version, '0.9.0');
  assert.equal(record.dbPath, join(stateDir, 'temporal', record.version, 'dev.db'));
  assert.equal(readFileSync(oldDb, 'utf8'), 'an old schema');
  const note = progress.find((m) => m.includes(oldDb));
  assert.ok(note, `no message names ${oldDb}: ${progress.join('\n')}`);
  assert.match(
    note,
    new RegExp(`now v${record.version.replace(/\./g, '\\.')}; .*v0\\.9\\.0 .*does not migrate`),
  );
  assert.match(note, /TEMPORAL_CLI/);
  await withClient(server, (client) => client.connection.workflowService.getSystemInfo({}));

  // Once this version has its own database, restarting it says nothing more.
  await stopDevServer(stateDir);
  progress.length = 0;
  await ensureDevServer(stateDir, { onProgress: (m) => progress.push(m) });
  assert.equal(progress.filter((m) => m.includes(oldDb)).length, 0);
});
