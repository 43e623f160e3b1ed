// Work moved off the event loop that runs activities and heartbeats: a worker thread that
// answers calls by name (the LLM client's HTTP, PGlite). One home for starting such a
// thread from dist/ or under tsx, for passing calls, cancellations and errors across, and
// for letting an idle thread not keep the process alive.
import { join } from 'node:path';
import { parentPort, Worker, workerData } from 'node:worker_threads';

/** A module's worker-thread entry: `name`.js beside it, or `name`.ts under tsx. */
export function threadScript(dir: string, name: string): { source: string; eval: boolean } {
  const file = join(dir, `${name}${__filename.endsWith('.ts') ? '.ts' : '.js'}`);
  if (!file.endsWith('.ts')) return { source: file, eval: false };
  // Under tsx (tests, `npx tsx`) a thread must register the TypeScript loader itself.
  const tsx = require.resolve('tsx/cjs');
  return {
    source: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(file)});`,
    eval: true,
  };
}

/** A thread's methods: one argument (cloneable) in, a cloneable value out. */
// biome-ignore lint/suspicious/noExplicitAny: each method declares its own argument type
export type ThreadMethods = Record<string, (arg: any, signal: AbortSignal) => Promise<unknown>>;

/** An error as it crosses threads: its class name, message and own cloneable fields. */
export interface ThreadError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
}

type FromCaller = { id: number; method: string; arg: unknown } | { id: number; cancel: true };
type FromThread = { id: number; value: unknown } | { id: number; error: ThreadError };

export function toThreadError(error: unknown): ThreadError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === 'function') continue;
    try {
      fields[key] = structuredClone(value);
    } catch {
      // a field that cannot cross (a socket, a stream) stays behind
    }
  }
  return { name: error.name, message: error.message, stack: error.stack, fields };
}

/** The default revival: an Error with the original name, message, stack and fields. */
export function fromThreadError(thrown: ThreadError): Error {
  const error = Object.assign(new Error(thrown.message), thrown.fields);
  error.name = thrown.name;
  if (thrown.stack) error.stack = thrown.stack;
  return error;
}

/**
 * The thread side: answers calls with `methods` (built from the workerData the caller
 * passed). Each call gets an AbortSignal that the caller's signal aborts.
 */
export function serveThread(build: (data: unknown) => ThreadMethods | Promise<ThreadMethods>) {
  const port = parentPort;
  if (!port) throw new Error('serveThread runs in a worker thread only');
  const running = new Map<number, AbortController>();
  const methods = Promise.resolve().then(() => build(workerData));
  port.on('message', async (message: FromCaller) => {
    if ('cancel' in message) {
      running.get(message.id)?.abort(new Error('cancelled by the caller'));
      return;
    }
    const controller = new AbortController();
    running.set(message.id, controller);
    try {
      const method = (await methods)[message.method];
      if (!method) throw new Error(`no thread method "${message.method}"`);
      const value = await method(message.arg, controller.signal);
      port.postMessage({ id: message.id, value } satisfies FromThread);
    } catch (error) {
      port.postMessage({ id: message.id, error: toThreadError(error) } satisfies FromThread);
    } finally {
      running.delete(message.id);
    }
  });
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * The caller's side: starts the thread on the first call, and again on the next call after
 * it exited (the calls in flight then fail with the reason). Holds the process alive only
 * while a call is in flight.
 */
export class ThreadClient<M extends ThreadMethods> {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly name: string,
    private readonly script: { source: string; eval: boolean },
    private readonly data: unknown,
    private readonly revive: (error: ThreadError) => unknown = fromThreadError,
  ) {}

  call<K extends keyof M & string>(
    method: K,
    arg: Parameters<M[K]>[0],
    signal?: AbortSignal,
  ): Promise<Awaited<ReturnType<M[K]>>> {
    if (this.closed) return Promise.reject(new Error(`${this.name} thread is closed`));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const worker = this.started();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const entry: Pending = { resolve: resolve as (value: unknown) => void, reject, signal };
      if (signal) {
        // The caller stops waiting at once; the thread is told to stop its work.
        entry.onAbort = () => {
          this.settle(id);
          worker.postMessage({ id, cancel: true } satisfies FromCaller);
          reject(signal.reason);
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.pending.set(id, entry);
      worker.ref();
      worker.postMessage({ id, method, arg } satisfies FromCaller);
    });
  }

  /** Starts the thread ahead of the first call, so that call does not wait for it to load. */
  start(): void {
    if (!this.closed) this.started();
  }

  /** Stops the thread; calls in flight fail. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error(`${this.name} thread closed`));
    await worker?.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script.source, {
      eval: this.script.eval,
      workerData: this.data,
      // The process's flags (--cpu-prof, --inspect) are not the thread's.
      execArgv: [],
    });
    worker.unref();
    worker.on('message', (message: FromThread) => {
      const entry = this.settle(message.id);
      if (!entry) return; // cancelled meanwhile
      if ('error' in message) entry.reject(this.revive(message.error));
      else entry.resolve(message.value);
    });
    const lost = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(new Error(`${this.name} thread ${reason}`));
    };
    worker.on('error', (error) => lost(`failed: ${error.message}`));
    worker.on('exit', (code) => lost(`exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private settle(id: number): Pending | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    this.pending.delete(id);
    if (entry.onAbort) entry.signal?.removeEventListener('abort', entry.onAbort);
    if (this.pending.size === 0) this.worker?.unref();
    return entry;
  }

  private failAll(error: Error) {
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(error);
  }
}
