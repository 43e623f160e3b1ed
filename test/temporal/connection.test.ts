import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { applyEnvironmentOverrides, connectTemporal } from '../../temporal/connection';
import { stopDevServer } from '../../temporal/dev-server';
import { testTemporal } from '../support/temporal';

const scratch = mkdtempSync(join(testTemporal().scratchDir, 'connection-'));
after(async () => {
  await stopDevServer(join(scratch, 'embedded')).catch(() => {});
  rmSync(scratch, { recursive: true, force: true });
});

test('TEMPORAL_* variables override the settings', () => {
  const settings = { address: 'config:7233', namespace: 'config-ns' };
  assert.deepEqual(applyEnvironmentOverrides(settings, {}), { ...settings, tls: undefined });
  assert.deepEqual(
    applyEnvironmentOverrides(settings, {
      TEMPORAL_ADDRESS: 'env:7233',
      TEMPORAL_NAMESPACE: 'env-ns',
      TEMPORAL_TLS_CERT: '/c.pem',
      TEMPORAL_TLS_KEY: '/k.pem',
      TEMPORAL_TLS_SERVER_NAME: 'temporal.example',
    }),
    {
      address: 'env:7233',
      namespace: 'env-ns',
      tls: {
        certPath: '/c.pem',
        keyPath: '/k.pem',
        caPath: undefined,
        serverName: 'temporal.example',
      },
    },
  );
  assert.throws(
    () => applyEnvironmentOverrides(settings, { TEMPORAL_TLS_CERT: '/c.pem' }),
    /needs both a client certificate and its key/,
  );
});

test('with an address it connects there and starts no dev server', async () => {
  const stateDir = join(scratch, 'never-used');
  const target = await connectTemporal(
    { address: testTemporal().address, namespace: 'default' },
    stateDir,
    { env: {} },
  );
  try {
    assert.equal(target.embedded, false);
    assert.equal(target.uiUrl, undefined);
    await target.client.workflowService.getSystemInfo({});
    const native = await target.nativeConnection();
    assert.equal(await target.nativeConnection(), native, 'one shared native connection');
  } finally {
    await target.close();
  }
  await assert.rejects(
    connectTemporal({ namespace: 'default', tls: { certPath: 'c', keyPath: 'k' } }, stateDir, {
      env: {},
    }),
    /TLS settings were given without an address/,
  );
  await assert.rejects(
    connectTemporal(
      {
        address: testTemporal().address,
        namespace: 'default',
        tls: { certPath: join(scratch, 'no.pem'), keyPath: 'k' },
      },
      stateDir,
      { env: {} },
    ),
    /Cannot read the Temporal TLS certificate .*no\.pem/,
  );
});

test('without an address it runs the embedded dev server of the state dir', async () => {
  const progress: string[] = [];
  const target = await connectTemporal({ namespace: 'socratic' }, join(scratch, 'embedded'), {
    env: {},
    onProgress: (msg) => progress.push(msg),
  });
  try {
    assert.equal(target.embedded, true);
    assert.match(target.uiUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(target.namespace, 'socratic');
    assert.match(progress.join('\n'), /starting the Temporal dev server/);
    const count = await target.client.workflow.count();
    assert.equal(count.count, 0);
  } finally {
    await target.close();
  }
});
