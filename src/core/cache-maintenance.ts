import { encodeEntry } from './cache-entry.js';
import { itemKeys } from './cache-keys.js';
import { type CachePolicy, entryLifetime, type WriteMode } from './cache-policy.js';
import type { CacheStore } from './cache-store.js';
import { type Clock, systemClock } from './clock.js';

/** One item as it is after a change: its new version and value, or null when it was deleted. */
export interface ItemChange<T> {
  readonly id: string;
  readonly version: number;
  readonly value: T | null;
}

/** STORED or SUPERSEDED for a write-through; INVALIDATED when the entry was removed instead. */
export type MaintenanceResult = 'STORED' | 'SUPERSEDED' | 'INVALIDATED';

export interface CacheMaintenanceOptions {
  readonly store: CacheStore;
  readonly keyPrefix: string;
  readonly policy: CachePolicy;
  readonly clock?: Clock;
  readonly random?: () => number;
}

/**
 * Brings the cache in line with a change of the source (DESIGN.md section 6), for the API's writes and
 * the stream handler alike. Every step removes the lease and raises the fence in the same script, so a
 * fill whose read began before the change is refused and fills after it read consistently. Rejects
 * with the store's CacheStoreError: the caller decides whether that fails its work (the stream handler
 * retries the record) or not (the API's write already succeeded in DynamoDB).
 */
export class CacheMaintenance<T> {
  readonly #store: CacheStore;
  readonly #keyPrefix: string;
  readonly #policy: CachePolicy;
  readonly #clock: Clock;
  readonly #random: () => number;

  constructor(options: CacheMaintenanceOptions) {
    this.#store = options.store;
    this.#keyPrefix = options.keyPrefix;
    this.#policy = options.policy;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
  }

  /** Deleted items are always invalidated; written ones follow `mode` (the policy's write mode by default). */
  async apply(change: ItemChange<T>, mode: WriteMode = this.#policy.writeMode): Promise<MaintenanceResult> {
    const keys = itemKeys(this.#keyPrefix, change.id);
    const { fenceTtlMs } = this.#policy;
    if (change.value === null || mode === 'invalidate') {
      await this.#store.invalidate(keys, { version: change.version, fenceTtlMs });
      return 'INVALIDATED';
    }
    const lifetime = entryLifetime(this.#policy, true, this.#random);
    const entry = encodeEntry({
      ver: change.version,
      val: change.value,
      soft: this.#clock.now() + lifetime.softMs,
      dt: 0,
    });
    return this.#store.writeThrough(keys, {
      entry,
      version: change.version,
      ttlMs: lifetime.hardMs,
      fenceTtlMs,
    });
  }
}
