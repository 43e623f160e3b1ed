// Identical requests in flight at once share one call (issue 10 point 4): a retried
// activity whose first attempt still waits on the endpoint joins that call instead of
// paying for it again. The shared call is aborted only when every caller has gone.
import { setMaxListeners } from 'node:events';

interface Flight<T> {
  promise: Promise<T>;
  controller: AbortController;
  callers: number;
}

export class SingleFlight<T> {
  private readonly flights = new Map<string, Flight<T>>();

  /** Runs `work` for `key` unless a call for it is in flight; `signal` lets this caller go. */
  run(key: string, signal: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>) {
    let flight = this.flights.get(key);
    if (!flight) {
      const controller = new AbortController();
      const started: Flight<T> = { promise: work(controller.signal), controller, callers: 0 };
      const land = () => {
        if (this.flights.get(key) === started) this.flights.delete(key);
      };
      started.promise.then(land, land);
      this.flights.set(key, started);
      flight = started;
    }
    return this.join(flight, signal);
  }

  get size(): number {
    return this.flights.size;
  }

  private join(flight: Flight<T>, signal: AbortSignal | undefined): Promise<T> {
    flight.callers++;
    if (!signal) return flight.promise;
    return new Promise<T>((resolve, reject) => {
      const leave = () => {
        flight.callers--;
        if (flight.callers === 0) flight.controller.abort(signal.reason);
        reject(signal.reason);
      };
      if (signal.aborted) return leave();
      // One activity's signal serves every call of its batch at once (each listener is
      // removed when its call ends): not a leak, so no warning past Node's default of 10.
      setMaxListeners(0, signal);
      signal.addEventListener('abort', leave, { once: true });
      const done = () => signal.removeEventListener('abort', leave);
      flight.promise.then(
        (value) => {
          done();
          resolve(value);
        },
        (error: unknown) => {
          done();
          reject(error);
        },
      );
    });
  }
}
