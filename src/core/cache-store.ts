/**
 * The cache as the engine sees it: opaque strings in and out, under keys the engine builds.
 * Adapters (Redis, memory) implement it and all pass test/adapters/cache-store-contract.ts.
 * Any method may reject when the store is unreachable or slow; the engine then fails open.
 */
export interface CacheStore {
  /** The stored value, or null when the key is absent or expired. */
  get(key: string): Promise<string | null>;
  /** Stores `value` under `key`, replacing what was there; the key disappears after `ttlMs`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Removes the key; removing an absent key is not an error. */
  delete(key: string): Promise<void>;
  /** Releases connections; the store is not used afterwards. */
  close(): Promise<void>;
}
