/** How a read was served: from the cache, from the source after a miss, or around a failing cache. */
export type CacheOutcome = 'HIT' | 'MISS' | 'BYPASS';

export type CacheStoreOperation = 'get' | 'set';

/** What the engine reports as it works; metrics and logs implement it, the engine stays I/O-free. */
export interface CacheObserver {
  onRead(outcome: CacheOutcome): void;
  /** How long a source load took, whether it succeeded or failed. */
  onLoad(durationMs: number): void;
  onSourceError(error: unknown): void;
  onStoreError(operation: CacheStoreOperation, error: unknown): void;
}

export const silentObserver: CacheObserver = {
  onRead: () => {},
  onLoad: () => {},
  onSourceError: () => {},
  onStoreError: () => {},
};
