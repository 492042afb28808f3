/** The three keys of one item; they share a hash tag, so one script can change them together. */
export interface ItemKeys {
  readonly entry: string;
  readonly lease: string;
  readonly fence: string;
}

export interface AcquireRequest {
  /** A random token that names this caller's lease. */
  readonly token: string;
  readonly leaseTtlMs: number;
  /**
   * Entries whose `soft` time is at or before this instant count as stale: usually now; later than
   * now for an early refresh.
   */
  readonly staleAtMs: number;
}

export interface AcquireResult {
  /** The entry as it is now (another caller may just have filled it), or null. */
  readonly entry: string | null;
  /** Whether this caller now holds the lease (only when the entry was absent, stale or unreadable). */
  readonly granted: boolean;
  /** Whether a fence is up: the item changed recently, so a load must be strongly consistent. */
  readonly fenced: boolean;
}

export interface FillRequest {
  readonly token: string;
  /** The encoded entry to store. */
  readonly entry: string;
  /** Hard expiry of the entry. */
  readonly ttlMs: number;
  /** The loaded item's version; undefined for a "not found", which has no version to compare. */
  readonly version: number | undefined;
}

/** STORED, or why not: the lease was taken away (a change or expiry), or a newer entry is there. */
export type FillResult = 'STORED' | 'LEASE_LOST' | 'SUPERSEDED';

export interface WriteThroughRequest {
  /** The encoded entry of the written item. */
  readonly entry: string;
  /** The written item's version: stored only if newer than both the cached entry and the fence. */
  readonly version: number;
  /** Hard expiry of the entry. */
  readonly ttlMs: number;
  readonly fenceTtlMs: number;
}

/** STORED, or SUPERSEDED when the entry or the fence already holds this version or a newer one. */
export type WriteThroughResult = 'STORED' | 'SUPERSEDED';

export interface InvalidateRequest {
  /** The changed item's version; the fence keeps the highest version it has been given. */
  readonly version: number;
  readonly fenceTtlMs: number;
}

/**
 * The cache as the engine sees it (DESIGN.md section 5). Every operation that races between processes
 * is one atomic step inside the store (a Lua script on Redis). The store reads only the entry's
 * header (`encodeEntry`'s fixed `f`, `ver`, `soft` prefix); entries whose header does not parse are
 * treated as absent. Adapters pass test/adapters/cache-store-contract.ts and reject only with
 * CacheStoreError.
 */
export interface CacheStore {
  /** The hot path: one plain read of the entry, or null when absent or expired. */
  get(key: string): Promise<string | null>;
  /**
   * Batch reads: the entries under `keys` in one round trip per server (one MGET on a standalone Redis;
   * per cluster node, one pipeline of its keys), each as `get` would return it, in the order asked.
   */
  getMany(keys: readonly string[]): Promise<(string | null)[]>;
  /**
   * Reads the entry and the fence, and takes the lease (if nobody holds it) when the entry is absent,
   * unreadable or stale at `staleAtMs`.
   */
  acquire(keys: ItemKeys, request: AcquireRequest): Promise<AcquireResult>;
  /**
   * Stores the entry only while `token` still holds the lease and, for a found item, no entry with a
   * higher version is there; releases the lease either way, unless it was lost.
   */
  fill(keys: ItemKeys, request: FillRequest): Promise<FillResult>;
  /**
   * The item was written: stores its entry if its version is newer than both the cached entry's and the
   * fence's, and either way removes the lease and raises the fence to at least `version`.
   */
  writeThrough(keys: ItemKeys, request: WriteThroughRequest): Promise<WriteThroughResult>;
  /** The item changed: removes the entry and the lease and raises the fence to at least `version`. */
  invalidate(keys: ItemKeys, request: InvalidateRequest): Promise<void>;
  /** Releases connections; operations afterwards reject with CACHE_STORE_UNAVAILABLE. */
  close(): Promise<void>;
}
