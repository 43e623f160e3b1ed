// Worker-thread entry: verifies batches of pairs sent by the pool.

import { parentPort } from 'node:worker_threads';
import { type VerifyOptions, verifySync } from './core';

export interface Request {
  id: number;
  pairs: [string, string][];
  options: VerifyOptions[];
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (req: Request) => {
    const verdicts = req.pairs.map(([g, p], i) => {
      try {
        return verifySync(g, p, req.options[i]);
      } catch (e) {
        return {
          equal: null,
          gold: null,
          pred: null,
          reason: `internal error: ${(e as Error).message}`,
        };
      }
    });
    port.postMessage({ id: req.id, verdicts });
  });
  port.postMessage({ ready: true });
}
