import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Semaphore } from '../../activities/llm/semaphore';
import { deferred } from '../../system/deferred';

test('a slot freed while others wait goes to a waiter, not to a newcomer as well', async () => {
  const limit = new Semaphore(1);
  let inFlight = 0;
  let most = 0;
  const enter = () => {
    inFlight++;
    most = Math.max(most, inFlight);
  };
  const briefly = async () => {
    enter();
    await new Promise((resolve) => setTimeout(resolve, 5));
    inFlight--;
  };

  const gate = deferred();
  const finished = gate.promise.then(() => {
    inFlight--;
  });
  const first = limit.run(() => {
    enter();
    return finished;
  });
  const waiter = limit.run(briefly);
  // A newcomer that arrives in the same turn as the first task ends, before the waiter wakes.
  let newcomer: Promise<void> | undefined;
  void finished.then(() => {
    newcomer = limit.run(briefly);
  });
  gate.resolve();
  await first;
  await waiter;
  await newcomer;
  assert.equal(most, 1);
  assert.equal(inFlight, 0);
});
