import { readEntryHeader } from '../../core/cache-entry.js';
import type {
  AcquireRequest,
  AcquireResult,
  CacheStore,
  FillRequest,
  FillResult,
  InvalidateRequest,
  ItemKeys,
  WriteThroughRequest,
  WriteThroughResult,
} from '../../core/cache-store.js';
import { CacheStoreError } from '../../core/cache-store-error.js';
import { type Clock, systemClock } from '../../core/clock.js';
import { assertTtl } from '../assert-ttl.js';

interface Stored {
  readonly value: string;
  readonly expiresAtMs: number;
}

// Expired keys that are never read again would pile up; a full sweep this often bounds that cheaply.
const WRITES_BETWEEN_SWEEPS = 1_000;

/**
 * A CacheStore in process memory, for the local stack without redis-server and for tests. Each operation
 * runs to completion before another starts (one thread), which makes it as atomic as a Redis script;
 * the logic mirrors redis-scripts.ts. Expiry follows the injected clock and is applied when a key is
 * read (plus an occasional sweep), so no timer keeps the process alive.
 */
export class MemoryCacheStore implements CacheStore {
  readonly #keys = new Map<string, Stored>();
  readonly #clock: Clock;
  #writesSinceSweep = 0;
  #closed = false;

  constructor(clock: Clock = systemClock) {
    this.#clock = clock;
  }

  async get(key: string): Promise<string | null> {
    this.#assertOpen();
    return this.#read(key);
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    this.#assertOpen();
    return keys.map((key) => this.#read(key));
  }

  async acquire(keys: ItemKeys, { token, leaseTtlMs, staleAtMs }: AcquireRequest): Promise<AcquireResult> {
    this.#assertOpen();
    assertTtl('leaseTtlMs', leaseTtlMs);
    const entry = this.#read(keys.entry);
    const fenced = this.#read(keys.fence) !== null;
    const header = entry === null ? undefined : readEntryHeader(entry);
    if (header && header.soft > staleAtMs) return { entry, granted: false, fenced };
    if (this.#read(keys.lease) !== null) return { entry, granted: false, fenced };
    this.#write(keys.lease, token, leaseTtlMs);
    return { entry, granted: true, fenced };
  }

  async fill(keys: ItemKeys, { token, entry, ttlMs, version }: FillRequest): Promise<FillResult> {
    this.#assertOpen();
    assertTtl('ttlMs', ttlMs);
    if (this.#read(keys.lease) !== token) return 'LEASE_LOST';
    this.#keys.delete(keys.lease);
    if (version !== undefined) {
      const current = this.#read(keys.entry);
      const header = current === null ? undefined : readEntryHeader(current);
      if (header && header.ver > version) return 'SUPERSEDED';
    }
    this.#write(keys.entry, entry, ttlMs);
    return 'STORED';
  }

  async writeThrough(
    keys: ItemKeys,
    { entry, version, ttlMs, fenceTtlMs }: WriteThroughRequest,
  ): Promise<WriteThroughResult> {
    this.#assertOpen();
    assertTtl('ttlMs', ttlMs);
    assertTtl('fenceTtlMs', fenceTtlMs);
    this.#keys.delete(keys.lease);
    const fence = this.#raiseFence(keys, version, fenceTtlMs);
    const current = this.#read(keys.entry);
    const cached = current === null ? undefined : readEntryHeader(current)?.ver;
    if ((fence !== undefined && fence >= version) || (cached !== undefined && cached >= version)) {
      return 'SUPERSEDED';
    }
    this.#write(keys.entry, entry, ttlMs);
    return 'STORED';
  }

  async invalidate(keys: ItemKeys, { version, fenceTtlMs }: InvalidateRequest): Promise<void> {
    this.#assertOpen();
    assertTtl('fenceTtlMs', fenceTtlMs);
    this.#keys.delete(keys.entry);
    this.#keys.delete(keys.lease);
    this.#raiseFence(keys, version, fenceTtlMs);
  }

  /** Raises the fence to at least `version`, renewing its TTL; returns the version it held before. */
  #raiseFence(keys: ItemKeys, version: number, fenceTtlMs: number): number | undefined {
    const fence = this.#read(keys.fence);
    const before = fence === null || Number.isNaN(Number(fence)) ? undefined : Number(fence);
    this.#write(
      keys.fence,
      before !== undefined && before > version ? String(before) : String(version),
      fenceTtlMs,
    );
    return before;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#keys.clear();
  }

  #read(key: string): string | null {
    const stored = this.#keys.get(key);
    if (stored === undefined) return null;
    if (stored.expiresAtMs <= this.#clock.now()) {
      this.#keys.delete(key);
      return null;
    }
    return stored.value;
  }

  #write(key: string, value: string, ttlMs: number): void {
    // Redis's PX takes whole milliseconds; the Redis store rounds up, so this one does too.
    this.#keys.set(key, { value, expiresAtMs: this.#clock.now() + Math.ceil(ttlMs) });
    if (++this.#writesSinceSweep >= WRITES_BETWEEN_SWEEPS) this.#sweep();
  }

  #sweep(): void {
    this.#writesSinceSweep = 0;
    const now = this.#clock.now();
    for (const [key, stored] of this.#keys) {
      if (stored.expiresAtMs <= now) this.#keys.delete(key);
    }
  }

  // Same behaviour as a closed Redis connection, so callers cannot depend on a difference.
  #assertOpen(): void {
    if (this.#closed) throw new CacheStoreError('CACHE_STORE_UNAVAILABLE', 'MemoryCacheStore is closed');
  }
}
