/**
 * How a read was served: fresh from the cache, from the source (after a miss, or by the lease holder),
 * a stale entry (while another caller refreshes it, or because the source failed), or around a
 * failing cache.
 */
export type CacheOutcome = 'HIT' | 'MISS' | 'STALE' | 'BYPASS';

/** What happened along the way, beside the outcome; each becomes a metric. */
export type CacheEvent =
  /** A cached "not found" answered a read. */
  | 'NEGATIVE_HIT'
  /** A caller without the lease waited for another's fill. */
  | 'LEASE_WAIT'
  /** …and the fill did not come within the wait bound, so it loaded by itself without filling. */
  | 'LEASE_WAIT_TIMEOUT'
  /** A caller refreshed a fresh entry early (XFetch) while holding the lease. */
  | 'EARLY_REFRESH'
  /** A value under our key was not an entry of this format; it is replaced by the next fill. */
  | 'CORRUPT_ENTRY'
  /** A fill was refused: its lease was taken away by a change or expired. */
  | 'FILL_LEASE_LOST'
  /** A fill was refused: a newer version was already cached. */
  | 'FILL_SUPERSEDED'
  /** A read was answered with a remembered source failure, without asking the source. */
  | 'REMEMBERED_FAILURE';

export type CacheStoreOperation = 'get' | 'acquire' | 'fill' | 'invalidate';

/** What the engine reports as it works; metrics and logs implement it, the engine stays I/O-free. */
export interface CacheObserver {
  onRead(outcome: CacheOutcome): void;
  onEvent(event: CacheEvent): void;
  /** How long a source load took, whether it succeeded or failed. */
  onLoad(durationMs: number): void;
  onSourceError(error: unknown): void;
  onStoreError(operation: CacheStoreOperation, error: unknown): void;
}

export const silentObserver: CacheObserver = {
  onRead: () => {},
  onEvent: () => {},
  onLoad: () => {},
  onSourceError: () => {},
  onStoreError: () => {},
};
