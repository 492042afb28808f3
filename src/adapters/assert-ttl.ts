import { CacheStoreError } from '../core/cache-store-error.js';

/** Redis refuses PX 0 and negative TTLs; every store refuses them up front, alike. */
export function assertTtl(name: string, ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new CacheStoreError(
      'CACHE_STORE_COMMAND_FAILED',
      `${name} must be a positive number, got ${ttlMs}`,
    );
  }
}
