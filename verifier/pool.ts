// A small, lazily started pool of worker threads. A verification that overruns its budget
// is abandoned by terminating its worker, so no input can block the caller's event loop.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { threadScript } from '../system/threads';
import { type Verdict, type VerifyOptions, verifySync } from './core';
import type { Request } from './worker';

interface Item {
  gold: string;
  pred: string;
  options: VerifyOptions;
  /** Set once the item was retried alone after its batch overran. */
  alone: boolean;
  resolve: (v: Verdict) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  batch: Item[] | null;
  timer: NodeJS.Timeout | null;
}

/** Most pairs sent to a worker in one message. */
const BATCH = 64;
/** Workers that may fail to start in a row before the pool verifies in-thread instead. */
const MAX_START_FAILURES = 3;
/** Extra time a worker gets over the summed budgets before it is abandoned. */
const GRACE_MS = 100;

const timedOut = (it: Item): Verdict => ({
  equal: null,
  gold: null,
  pred: null,
  reason: `timed out after ${it.options.timeoutMs ?? 1000} ms`,
});

export class VerifierPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Item[] = [];
  private nextId = 0;
  private closed = false;
  private startFailures = 0;

  /**
   * @param size worker threads at most (default: cores − 1, at most 4)
   * @param evalSource worker code to run instead of ./worker (tests use it to simulate a hang)
   */
  constructor(
    readonly size: number = Math.max(1, Math.min(4, availableParallelism() - 1)),
    private readonly evalSource?: string,
  ) {}

  /** Verifies one pair in a worker; resolves to unknown when the budget runs out. */
  verify(gold: string, pred: string, options: VerifyOptions = {}): Promise<Verdict> {
    if (this.closed) return Promise.reject(new Error('verifier pool is closed'));
    if (this.startFailures >= MAX_START_FAILURES)
      return Promise.resolve(verifySync(gold, pred, options));
    return new Promise((resolve) => {
      this.queue.push({ gold, pred, options, alone: false, resolve });
      this.pump();
    });
  }

  /** Stops every worker; pending verifications resolve to unknown. */
  async close(): Promise<void> {
    this.closed = true;
    for (const it of this.queue.splice(0))
      it.resolve({ ...timedOut(it), reason: 'verifier pool closed' });
    await Promise.all(
      this.slots.splice(0).map((s) => {
        if (s.timer) clearTimeout(s.timer);
        for (const it of s.batch ?? [])
          it.resolve({ ...timedOut(it), reason: 'verifier pool closed' });
        return s.worker.terminate();
      }),
    );
  }

  private spawn(): Slot {
    const script = this.evalSource
      ? { source: this.evalSource, eval: true }
      : threadScript(__dirname, 'worker');
    const worker = new Worker(script.source, { eval: script.eval, execArgv: [] });
    const slot: Slot = { worker, ready: false, batch: null, timer: null };
    worker.unref();
    worker.on('message', (msg: { ready?: boolean; id?: number; verdicts?: Verdict[] }) => {
      if (msg.ready) {
        slot.ready = true;
        this.startFailures = 0;
        this.pump();
        return;
      }
      const batch = slot.batch;
      if (!batch || !msg.verdicts) return;
      this.finish(slot);
      batch.forEach((it, i) => {
        it.resolve(msg.verdicts![i]!);
      });
      this.pump();
    });
    worker.on('error', (err) => this.fail(slot, `worker failed: ${err.message}`));
    worker.on('exit', () => this.fail(slot, 'worker exited'));
    this.slots.push(slot);
    return slot;
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.batch = null;
    slot.worker.unref(); // an idle pool never keeps the process alive
  }

  /** A worker died or overran: replace it and retry its items one at a time. */
  private fail(slot: Slot, reason: string): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    if (!slot.ready && ++this.startFailures >= MAX_START_FAILURES) {
      // Workers cannot start here (e.g. a build without worker.js): verify in this thread,
      // still bounded by input size, step count and deadline, rather than retry forever.
      for (const it of this.queue.splice(0)) it.resolve(verifySync(it.gold, it.pred, it.options));
    }
    const batch = slot.batch ?? [];
    this.finish(slot);
    void slot.worker.terminate();
    for (const it of batch) {
      if (it.alone || batch.length === 1) {
        it.resolve(
          reason === 'overran' ? timedOut(it) : { equal: null, gold: null, pred: null, reason },
        );
      } else {
        it.alone = true;
        this.queue.unshift(it);
      }
    }
    if (!this.closed) this.pump();
  }

  private pump(): void {
    if (this.closed) return;
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.ready && !s.batch);
      if (!slot) {
        let starting = this.slots.filter((s) => !s.ready).length;
        while (this.slots.length < this.size && starting * BATCH < this.queue.length) {
          this.spawn();
          starting++;
        }
        return;
      }
      // Items retried after an overrun run alone so that one bad input cannot sink others.
      const batch = this.queue[0]!.alone ? this.queue.splice(0, 1) : this.takeBatch();
      slot = slot as Slot;
      slot.batch = batch;
      slot.worker.ref();
      const budget = batch.reduce((t, it) => t + (it.options.timeoutMs ?? 1000), 0);
      const s = slot;
      slot.timer = setTimeout(
        () => this.fail(s, 'overran'),
        budget + (batch.length > 1 ? GRACE_MS : 0),
      );
      const req: Request = {
        id: this.nextId++,
        pairs: batch.map((it) => [it.gold, it.pred]),
        options: batch.map((it) => it.options),
      };
      slot.worker.postMessage(req);
    }
  }

  private takeBatch(): Item[] {
    let n = 0;
    while (n < this.queue.length && n < BATCH && !this.queue[n]!.alone) n++;
    return this.queue.splice(0, n);
  }
}
