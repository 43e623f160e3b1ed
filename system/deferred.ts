// A promise with its resolve function at hand, for code that settles it from elsewhere (a
// transaction held open until told, a test gate). Promise.withResolvers needs Node 22.
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}
