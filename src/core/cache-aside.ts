import { type CacheEntry, decodeEntry, encodeEntry } from './cache-entry.js';
import { entryKey } from './cache-keys.js';
import { type CacheObserver, type CacheOutcome, silentObserver } from './cache-observer.js';
import type { CacheStore } from './cache-store.js';
import { type Clock, systemClock } from './clock.js';
import { SingleFlight } from './single-flight.js';
import type { Source, SourceRecord } from './source.js';
import { jitteredTtlMs } from './ttl.js';

export interface CacheAsideOptions<T> {
  readonly store: CacheStore;
  readonly source: Source<T>;
  readonly keyPrefix: string;
  readonly ttlSeconds: number;
  readonly ttlJitterPercent: number;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly observer?: CacheObserver;
}

export interface CacheRead<T> {
  readonly outcome: CacheOutcome;
  /** The item, or null when the source has no item with this id. */
  readonly record: SourceRecord<T> | null;
}

/**
 * The cache-aside policy: look in the store first; on a miss load from the source, fill the store
 * and answer. A failing store never fails a read: the read goes to the source instead (BYPASS).
 */
export class CacheAside<T> {
  readonly #options: CacheAsideOptions<T>;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #observer: CacheObserver;
  readonly #loads = new SingleFlight<SourceRecord<T> | null>();

  constructor(options: CacheAsideOptions<T>) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#observer = options.observer ?? silentObserver;
  }

  async get(id: string): Promise<CacheRead<T>> {
    const key = entryKey(this.#options.keyPrefix, id);
    const lookup = await this.#lookup(key);
    if (lookup.entry && this.#clock.now() < lookup.entry.soft) {
      this.#observer.onRead('HIT');
      const { val, ver } = lookup.entry;
      return { outcome: 'HIT', record: val === null ? null : { value: val, version: ver } };
    }
    const outcome: CacheOutcome = lookup.storeFailed ? 'BYPASS' : 'MISS';
    this.#observer.onRead(outcome);
    // Callers that bypass a failing store do not fill it; they share loads only with each other.
    const fill = !lookup.storeFailed;
    const record = await this.#loads.run(`${outcome}:${id}`, () => this.#loadAndFill(id, key, fill));
    return { outcome, record };
  }

  async #lookup(key: string): Promise<{ entry: CacheEntry<T> | undefined; storeFailed: boolean }> {
    try {
      const text = await this.#options.store.get(key);
      return { entry: text === null ? undefined : decodeEntry<T>(text), storeFailed: false };
    } catch (error) {
      this.#observer.onStoreError('get', error);
      return { entry: undefined, storeFailed: true };
    }
  }

  async #loadAndFill(id: string, key: string, fill: boolean): Promise<SourceRecord<T> | null> {
    const startedAt = this.#clock.now();
    let record: SourceRecord<T> | null;
    try {
      record = await this.#options.source.load(id);
    } catch (error) {
      this.#observer.onLoad(this.#clock.now() - startedAt);
      this.#observer.onSourceError(error);
      throw error;
    }
    const loadMs = this.#clock.now() - startedAt;
    this.#observer.onLoad(loadMs);
    if (record && fill) await this.#fill(key, record, loadMs);
    return record;
  }

  async #fill(key: string, record: SourceRecord<T>, loadMs: number): Promise<void> {
    const { ttlSeconds, ttlJitterPercent } = this.#options;
    const ttlMs = jitteredTtlMs(ttlSeconds, ttlJitterPercent, this.#random);
    const entry: CacheEntry<T> = {
      ver: record.version,
      val: record.value,
      soft: this.#clock.now() + ttlMs,
      dt: loadMs,
    };
    try {
      await this.#options.store.set(key, encodeEntry(entry), ttlMs);
    } catch (error) {
      this.#observer.onStoreError('set', error);
    }
  }
}
