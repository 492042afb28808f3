import { encodeEntry } from './cache-entry.js';
import type { CacheObserver } from './cache-observer.js';
import { type CachePolicy, entryLifetime } from './cache-policy.js';
import type { CacheStore, ItemKeys } from './cache-store.js';
import type { Clock } from './clock.js';
import type { Source, SourceRecord } from './source.js';
import { SourceError } from './source-error.js';

export interface Loaded<T> {
  /** The item, or null when the source has none. */
  readonly record: SourceRecord<T> | null;
  readonly durationMs: number;
}

export interface LoadAndFillDependencies<T> {
  readonly store: CacheStore;
  readonly source: Source<T>;
  readonly policy: CachePolicy;
  readonly clock: Clock;
  readonly random: () => number;
  readonly observer: CacheObserver;
}

/** Loads one item from the source and fills it under a lease, reporting what happened to the observer. */
export class LoadAndFill<T> {
  readonly #deps: LoadAndFillDependencies<T>;

  constructor(deps: LoadAndFillDependencies<T>) {
    this.#deps = deps;
  }

  /** Rejects with the source's error (reported) when the source fails. */
  async load(id: string, consistent: boolean): Promise<Loaded<T>> {
    const { result, durationMs } = await this.measure(() => this.#deps.source.load(id, { consistent }));
    return { record: result, durationMs };
  }

  /** Times one request to the source and reports it (and its failure); batch reads send theirs through it. */
  async measure<R>(request: () => Promise<R>): Promise<{ readonly result: R; readonly durationMs: number }> {
    const { clock, observer } = this.#deps;
    const startedAt = clock.now();
    try {
      const result = await request();
      const durationMs = clock.now() - startedAt;
      observer.onLoad(durationMs);
      return { result, durationMs };
    } catch (error) {
      observer.onLoad(clock.now() - startedAt);
      observer.onSourceError(error);
      throw error;
    }
  }

  /**
   * Stores what was loaded, found or not, if `token` still holds the lease. A refused or failed fill
   * is reported; the caller answers with what it loaded either way. Resolves to whether the fill was
   * refused: the item changed while it was loaded.
   */
  async fill(keys: ItemKeys, token: string, { record, durationMs }: Loaded<T>): Promise<boolean> {
    const { store, policy, clock, random, observer } = this.#deps;
    const lifetime = entryLifetime(policy, record !== null, random);
    const entry = encodeEntry({
      ver: record?.version ?? 0,
      val: record?.value ?? null,
      soft: clock.now() + lifetime.softMs,
      dt: durationMs,
    });
    try {
      const result = await store.fill(keys, {
        token,
        entry,
        ttlMs: lifetime.hardMs,
        version: record?.version,
      });
      if (result === 'LEASE_LOST') observer.onEvent('FILL_LEASE_LOST');
      if (result === 'SUPERSEDED') observer.onEvent('FILL_SUPERSEDED');
      return result !== 'STORED';
    } catch (error) {
      observer.onStoreError('fill', error);
      return false;
    }
  }

  /**
   * Stores the source's failure in place of the item for `sourceFailureTtlMs`, if `token` still holds
   * the lease (the fill ends the lease): readers answer with it meanwhile, then one takes the lease and
   * asks the source again. A change meanwhile took the lease away and is not shadowed.
   */
  async rememberFailure(keys: ItemKeys, token: string, error: unknown): Promise<void> {
    const { store, policy, clock, observer } = this.#deps;
    if (policy.sourceFailureTtlMs <= 0) return;
    const entry = encodeEntry({
      ver: 0,
      val: null,
      soft: clock.now() + policy.sourceFailureTtlMs,
      dt: 0,
      fail: error instanceof SourceError ? error.code : 'SOURCE_UNAVAILABLE',
    });
    try {
      await store.fill(keys, { token, entry, ttlMs: policy.sourceFailureTtlMs, version: undefined });
    } catch (storeError) {
      observer.onStoreError('fill', storeError);
    }
  }
}
