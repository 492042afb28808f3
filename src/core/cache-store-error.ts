/** Stable codes callers (the engine, metrics, a circuit breaker) branch on; messages may change. */
export type CacheStoreErrorCode =
  /** No usable connection: refused, reset, closed, or not connected yet. */
  | 'CACHE_STORE_UNAVAILABLE'
  /** Connected, but no reply within the command timeout (overloaded, frozen, or a network stall). */
  | 'CACHE_STORE_TIMEOUT'
  /** The server refused the credentials (NOAUTH, WRONGPASS) or the auth secret is unusable. */
  | 'CACHE_STORE_AUTH_FAILED'
  /** The store refused the command itself (e.g. OOM at maxmemory, or a request it cannot accept). */
  | 'CACHE_STORE_COMMAND_FAILED';

/** The one error every CacheStore rejects with; the adapter's own error stays in `cause`. */
export class CacheStoreError extends Error {
  override readonly name = 'CacheStoreError';

  constructor(
    readonly code: CacheStoreErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
