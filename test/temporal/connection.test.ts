import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { connectTemporal, resolveTemporalSettings } from '../../temporal/connection';
import { stopDevServer } from '../../temporal/dev-server';
import { testTemporal } from '../support/temporal';

const scratch = mkdtempSync(join(testTemporal().scratchDir, 'connection-'));
after(async () => {
  await stopDevServer(join(scratch, 'embedded')).catch(() => {});
  rmSync(scratch, { recursive: true, force: true });
});

test('TEMPORAL_* variables override the settings', () => {
  const settings = { address: 'config:7233', namespace: 'config-ns', allowInsecure: true };
  assert.deepEqual(resolveTemporalSettings(settings, {}), {
    address: 'config:7233',
    namespace: 'config-ns',
    tls: undefined,
  });
  assert.deepEqual(
    resolveTemporalSettings(settings, {
      TEMPORAL_ADDRESS: 'env:7233',
      TEMPORAL_NAMESPACE: 'env-ns',
      TEMPORAL_TLS_CERT: '/c.pem',
      TEMPORAL_TLS_KEY: '/k.pem',
      TEMPORAL_TLS_SERVER_NAME: 'temporal.example',
    }),
    {
      address: 'env:7233',
      namespace: 'env-ns',
      tls: { cert: { path: '/c.pem' }, key: { path: '/k.pem' }, serverName: 'temporal.example' },
    },
  );
  assert.throws(
    () => resolveTemporalSettings(settings, { TEMPORAL_TLS_CERT: '/c.pem' }),
    /needs both a client certificate and its key/,
  );
});

test('server-only TLS with the system CAs, and API keys (Temporal Cloud)', () => {
  const cloud = { address: 'ns.acct.tmprl.cloud:7233', namespace: 'ns.acct' };
  // tls: true = TLS without a client pair or CA: the system's CAs check the server.
  assert.deepEqual(resolveTemporalSettings({ ...cloud, tls: true }, {}).tls, {});
  // An API key implies TLS; it comes from TEMPORAL_API_KEY or the variable the config names.
  assert.deepEqual(resolveTemporalSettings(cloud, { TEMPORAL_API_KEY: 'k1' }), {
    ...cloud,
    tls: {},
    apiKey: 'k1',
  });
  assert.equal(
    resolveTemporalSettings({ ...cloud, apiKeyEnv: 'MY_KEY' }, { MY_KEY: 'k2' }).apiKey,
    'k2',
  );
  assert.throws(
    () => resolveTemporalSettings({ ...cloud, apiKeyEnv: 'MY_KEY' }, {}),
    /MY_KEY, but that environment variable is not set/,
  );
  // @temporalio/envconfig's own variables.
  assert.deepEqual(
    resolveTemporalSettings(cloud, {
      TEMPORAL_TLS: 'true',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/ca.pem',
    }).tls,
    { ca: { path: '/ca.pem' } },
  );
});

test('a remote plaintext address is refused unless allowed; loopback is fine', () => {
  for (const address of ['temporal.example.com:7233', '10.0.0.5:7233', '[2001:db8::1]:7233'])
    assert.throws(
      () => resolveTemporalSettings({ address, namespace: 'default' }, {}),
      /Refusing a plaintext connection .*allowInsecure/,
    );
  assert.throws(
    () => resolveTemporalSettings({ address: 'x:7233', namespace: 'd', tls: false }, {}),
    /Refusing a plaintext/,
  );
  assert.equal(
    resolveTemporalSettings({ address: 'x:7233', namespace: 'd', allowInsecure: true }, {}).tls,
    undefined,
  );
  for (const address of ['127.0.0.1:7233', 'localhost:7233', '[::1]:7233'])
    assert.equal(resolveTemporalSettings({ address, namespace: 'd' }, {}).address, address);
});

test('a named profile of the Temporal CLI config is read; an unnamed one is not', () => {
  const file = join(scratch, 'temporal.toml');
  writeFileSync(
    file,
    `[profile.default]\naddress = "default.example:7233"\n\n[profile.prod]\naddress = "prod.example:7233"\nnamespace = "prod-ns"\napi_key = "from-profile"\n`,
  );
  const settings = { namespace: 'default' };
  // No profile named: a CLI config lying around does not redirect the run.
  assert.equal(resolveTemporalSettings(settings, { HOME: scratch }).address, undefined);
  assert.deepEqual(
    resolveTemporalSettings({ ...settings, profile: 'prod' }, { TEMPORAL_CONFIG_FILE: file }),
    { address: 'prod.example:7233', namespace: 'prod-ns', tls: {}, apiKey: 'from-profile' },
  );
  assert.equal(
    resolveTemporalSettings(settings, { TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' })
      .namespace,
    'prod-ns',
  );
  assert.throws(
    () => resolveTemporalSettings({ ...settings, profile: 'nope' }, { TEMPORAL_CONFIG_FILE: file }),
    /Temporal profile: Profile 'nope' not found/,
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
