// Cluster workers carry a build id (Worker Versioning) when SOCRATIC_BUILD_ID is set.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { versioning } from '../../workers/worker';

test('a worker is versioned only when given a build id, and pins its rounds', () => {
  assert.deepEqual(versioning({}), {});
  assert.deepEqual(versioning({ SOCRATIC_BUILD_ID: '  ' }), {});
  assert.deepEqual(versioning({ SOCRATIC_BUILD_ID: 'v2.1', SOCRATIC_DEPLOYMENT: 'lab-a' }), {
    workerDeploymentOptions: {
      version: { deploymentName: 'lab-a', buildId: 'v2.1' },
      useWorkerVersioning: true,
      defaultVersioningBehavior: 'PINNED',
    },
  });
  assert.equal(
    versioning({ SOCRATIC_BUILD_ID: 'v3' }).workerDeploymentOptions?.version.deploymentName,
    'socratic',
  );
});
