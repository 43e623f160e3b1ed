// Secrets (issue 10, point 8): what is withheld from subprocesses and redacted from output.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runDeployCommand } from '../../activities/serving/deploy-command';
import { Config } from '../../config/schema';
import {
  environmentWithout,
  redactSecrets,
  secretVariables,
  withheldVariables,
  withoutSecrets,
} from '../../config/secrets';
import { serverEnvironment } from '../../temporal/dev-server';

const config = Config.parse({
  roles: { teacher: { baseUrl: 'https://api.example/v1', apiKeyEnv: 'OPENAI_API_KEY' } },
  trainer: { solver: { env: ['HF_TOKEN_FOR_TRAINER', 'DATABASE_URL'] } },
  temporal: { apiKeyEnv: 'MY_TEMPORAL_KEY' },
  databaseUrl: 'postgres://socratic:pa55@db.example:5432/socratic',
});

test("the roles' API keys, Temporal's and the database URL are secret", () => {
  assert.deepEqual(secretVariables(config), [
    'DATABASE_URL',
    'MY_TEMPORAL_KEY',
    'OPENAI_API_KEY',
    'TEMPORAL_API_KEY',
  ]);
  // A subprocess gets what its config passes on, and nothing else of them.
  assert.deepEqual(withheldVariables(config, config.trainer.solver.env), [
    'MY_TEMPORAL_KEY',
    'OPENAI_API_KEY',
    'TEMPORAL_API_KEY',
  ]);
  const env = { PATH: '/bin', OPENAI_API_KEY: 'sk-1', DATABASE_URL: 'postgres://x' };
  assert.deepEqual(environmentWithout(withheldVariables(config), env), { PATH: '/bin' });
});

test('passwords in URLs are redacted, in snapshots and in any text', () => {
  assert.equal(
    withoutSecrets(config).databaseUrl,
    'postgres://socratic:***@db.example:5432/socratic',
  );
  assert.equal(
    redactSecrets('Failed query: insert … params: {"databaseUrl":"postgresql://u:p%40ss@h/db"}'),
    'Failed query: insert … params: {"databaseUrl":"postgresql://u:***@h/db"}',
  );
  assert.equal(
    redactSecrets('http://host:8000/v1 and postgres://u@h/db'),
    'http://host:8000/v1 and postgres://u@h/db',
  );
});

test('the Temporal dev server gets no secrets and no TEMPORAL_* settings', () => {
  const env = serverEnvironment({
    PATH: '/bin',
    HOME: '/home/x',
    LC_ALL: 'C',
    OPENAI_API_KEY: 'sk-1',
    DATABASE_URL: 'postgres://u:p@h/db',
    TEMPORAL_ADDRESS: 'x:7233',
    MY_SERVICE_TOKEN: 't',
  });
  assert.deepEqual(env, { PATH: '/bin', HOME: '/home/x', LC_ALL: 'C' });
});

test('a deploy command runs with the environment it is given', async () => {
  process.env.SOCRATIC_TEST_API_KEY = 'not-for-the-deploy-command';
  try {
    const check = [
      process.execPath,
      '-e',
      'process.exit(process.env.SOCRATIC_TEST_API_KEY ? 3 : 0)',
    ];
    await assert.rejects(
      runDeployCommand(check, new AbortController().signal),
      /exited with code 3/,
    );
    await runDeployCommand(
      check,
      new AbortController().signal,
      environmentWithout(['SOCRATIC_TEST_API_KEY']),
    );
  } finally {
    delete process.env.SOCRATIC_TEST_API_KEY;
  }
});
