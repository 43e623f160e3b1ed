// Bad input stops a run before anything is written, with the file, line and field named.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { exportJsonl, runCli, tempDir, writeSmallConfig } from '../support/cli';
import { testTemporal } from '../support/temporal';

test('a malformed config names its file, line and field; nothing is written', async () => {
  const dir = tempDir();
  const config = path.join(dir, 'socratic.yaml');
  writeFileSync(config, 'stateDir: ./state\nrounds: 2\nloop:\n  k: eight\n');
  const result = await runCli(['run', '--config', config]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /socratic\.yaml:4: loop\.k: .*number/);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace for a user mistake');
  assert.equal(existsSync(path.join(dir, 'state')), false);
});

test('a malformed seed file names its file and line; nothing is written', async () => {
  const dir = tempDir();
  const seeds = path.join(dir, 'seeds.jsonl');
  writeFileSync(seeds, '{"problem": "What is 1+1?", "answer": "2"}\n{"problem": "What is 2+2?"}\n');
  const config = path.join(dir, 'socratic.yaml');
  writeFileSync(config, `stateDir: ./state\nloop:\n  seeds: ./seeds.jsonl\n`);
  const result = await runCli(['run', '--config', config]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /seeds\.jsonl:2/);
  assert.match(result.stderr, /answer/);
  assert.equal(existsSync(path.join(dir, 'state')), false);
});

test('unknown commands and options are refused with the usage', async () => {
  const unknown = await runCli(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /usage: socratic/);
  const badOption = await runCli(['run', '--bogus']);
  assert.equal(badOption.code, 1);
  assert.match(badOption.stderr, /bogus/);
});

test('a trainer that rejects its config fails the run once, with the reason, and keeps its data', {
  timeout: 300_000,
}, async () => {
  const dir = tempDir();
  const config = writeSmallConfig(
    dir,
    `trainer:
  solver:
    command: ["${process.execPath}", "-e", "console.error('no such model'); process.exit(78)", "--"]
temporal:
  taskQueue: bad-trainer-test
`,
    { rounds: 1 },
  );
  const result = await runCli(['run', '--config', config], {
    TEMPORAL_ADDRESS: testTemporal().address,
  });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stdout, /failed: .*78/s);
  assert.match(result.stdout, /no such model/);
  // Sampling and judging were kept: the attempts are there for the rerun.
  const attempts = await exportJsonl(config, 'attempts');
  assert.equal(attempts.length, 24 * 4);
});
