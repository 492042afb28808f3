import type { CacheStore } from '../../core/cache-store.js';
import { type Clock, systemClock } from '../../core/clock.js';

interface Entry {
  readonly value: string;
  readonly expiresAtMs: number;
}

// Expired keys that are never read again would pile up; a full sweep this often bounds that cheaply.
const SETS_BETWEEN_SWEEPS = 1_000;

/**
 * A CacheStore in process memory, for the local stack and tests. Expiry follows the injected clock and is
 * applied when a key is read (plus an occasional sweep), so no timer keeps the process alive.
 */
export class MemoryCacheStore implements CacheStore {
  private readonly entries = new Map<string, Entry>();
  private setsSinceSweep = 0;
  private closed = false;

  constructor(private readonly clock: Clock = systemClock) {}

  async get(key: string): Promise<string | null> {
    this.assertOpen();
    const entry = this.entries.get(key);
    if (entry === undefined) return null;
    if (entry.expiresAtMs <= this.clock.now()) {
      this.entries.delete(key);
      return null;
    }
    return entry.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.assertOpen();
    // Redis rejects PX 0 and negative TTLs; rejecting here too keeps the stores interchangeable.
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be positive, got ${ttlMs}`);
    this.entries.set(key, { value, expiresAtMs: this.clock.now() + ttlMs });
    if (++this.setsSinceSweep >= SETS_BETWEEN_SWEEPS) this.sweep();
  }

  async delete(key: string): Promise<void> {
    this.assertOpen();
    this.entries.delete(key);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.entries.clear();
  }

  private sweep(): void {
    this.setsSinceSweep = 0;
    const now = this.clock.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAtMs <= now) this.entries.delete(key);
    }
  }

  // Same behaviour as a closed Redis connection, so callers cannot depend on a difference.
  private assertOpen(): void {
    if (this.closed) throw new Error('MemoryCacheStore is closed');
  }
}
