// Bounds how many requests one role has in flight from this worker process.
export class Semaphore {
  private readonly waiting: (() => void)[] = [];
  private active = 0;

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // handed a slot on release
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter: freeing it first would let a newcomer
      // take it before the waiter wakes, and both would run.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
