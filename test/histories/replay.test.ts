// Upgrades (issue 8, point 5): the recorded histories of every released workflow version
// (test/histories/<version>/, written by record.ts) must replay on today's workflow code.
// A change that breaks a running round fails here, not in a user's multi-day run.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { History } from '@temporalio/common/lib/proto-utils';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import { assertReplays } from '../support/temporal';

// historyFromJSON (@temporalio/common) fails with "type must be a Type" when npm installs
// two copies of protobufjs; parse with the copy the proto types were built with.
const protojson = require(
  require.resolve('protobufjs/ext/protojson', {
    paths: [path.dirname(require.resolve('@temporalio/proto'))],
  }),
);
const historyType = (
  patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }
).lookupType('temporal.api.history.v1.History');

function loadHistory(file: string): History {
  return protojson.fromJson(historyType, JSON.parse(readFileSync(file, 'utf8')), {
    ignoreUnknownFields: true,
  });
}

const versions = readdirSync(__dirname, { withFileTypes: true }).filter((d) => d.isDirectory());

test('the committed histories of every released workflow version replay on this code', {
  timeout: 120_000,
}, async () => {
  assert.ok(versions.length > 0, 'no recorded histories');
  let replayed = 0;
  for (const version of versions) {
    const dir = path.join(__dirname, version.name);
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.ok(
      files.some((f) => f.startsWith('runWorkflow')) &&
        files.some((f) => f.startsWith('roundWorkflow')),
    );
    const histories = files.map((f) => ({
      workflowId: f,
      history: loadHistory(path.join(dir, f)),
    }));
    replayed += await assertReplays(histories, (workflowId) => `${version.name}/${workflowId}`);
  }
  assert.ok(replayed >= 4, `replayed ${replayed}`);
});
