import type { CacheStore } from '../../src/core/cache-store.js';
import { CacheStoreError } from '../../src/core/cache-store-error.js';

export type Operation = 'get' | 'acquire' | 'fill';

/** A store whose chosen operations fail as a Redis that is down fails them; the rest reach `inner`. */
export class FailingStore implements CacheStore {
  readonly calls: Operation[] = [];
  constructor(
    readonly inner: CacheStore,
    readonly failing: Set<Operation>,
  ) {}
  #check(operation: Operation): void {
    this.calls.push(operation);
    if (this.failing.has(operation)) throw new CacheStoreError('CACHE_STORE_UNAVAILABLE', 'store down');
  }
  async get(key: string) {
    this.#check('get');
    return this.inner.get(key);
  }
  /** A batch read is the hot path's GET, for many keys at once. */
  async getMany(keys: readonly string[]) {
    this.#check('get');
    return this.inner.getMany(keys);
  }
  async acquire(...args: Parameters<CacheStore['acquire']>) {
    this.#check('acquire');
    return this.inner.acquire(...args);
  }
  async fill(...args: Parameters<CacheStore['fill']>) {
    this.#check('fill');
    return this.inner.fill(...args);
  }
  writeThrough(...args: Parameters<CacheStore['writeThrough']>) {
    return this.inner.writeThrough(...args);
  }
  invalidate(...args: Parameters<CacheStore['invalidate']>) {
    return this.inner.invalidate(...args);
  }
  close() {
    return this.inner.close();
  }
}
