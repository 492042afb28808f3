/**
 * In-process request coalescing: concurrent calls for the same key share one execution.
 * It cannot stop a stampede across processes (a Redis lease does that); it stops one within a
 * process, where the local server and long-running hosts serve many requests at once.
 */
export class SingleFlight<T> {
  readonly #inFlight = new Map<string, Promise<T>>();

  /** Whether a call for `key` is in flight now. */
  has(key: string): boolean {
    return this.#inFlight.has(key);
  }

  run(key: string, work: () => Promise<T>): Promise<T> {
    const existing = this.#inFlight.get(key);
    if (existing) return existing;
    const promise = work().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, promise);
    return promise;
  }
}
