/**
 * Runs tasks one at a time per key: a task waits for every earlier task that holds any of its keys.
 * Waiting only on tasks queued before it (chained when it is queued) means no two tasks ever wait
 * on each other, so tasks over several keys (a batch, a transaction) cannot deadlock.
 */
export class KeyLocks {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)];
    const earlier = unique.map((key) => this.#tails.get(key));
    let release = () => {};
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    for (const key of unique) this.#tails.set(key, done);
    try {
      await Promise.all(earlier);
      return await task();
    } finally {
      release();
      for (const key of unique) if (this.#tails.get(key) === done) this.#tails.delete(key);
    }
  }
}
