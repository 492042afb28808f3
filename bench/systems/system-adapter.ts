/**
 * The one contract every benchmarked system meets, so workloads and measurement are written once.
 * An adapter runs inside a worker process (one Lambda-like execution environment, or one HTTP server)
 * and owns its own clients there; they end with the process, as a Lambda environment's do.
 */
export type CacheOutcome = 'hit' | 'stale' | 'miss' | 'bypass' | 'none';

export interface ReadResult {
  readonly status: number;
  /** The response body as the caller would receive it (JSON text). */
  readonly body: string;
  /** How the system says it answered: from the cache (hit, stale), after a DynamoDB read (miss), … */
  readonly cacheOutcome: CacheOutcome;
}

/** What a write stores: the item's attributes without its id; `benchSeq` orders acknowledged writes. */
export type ProductAttributes = Readonly<Record<string, unknown>>;

export interface SystemAdapter {
  read(id: string): Promise<ReadResult>;
  /** Writes the item (create or replace) and returns the HTTP-like status of the write. */
  write(id: string, attributes: ProductAttributes): Promise<number>;
  /** Whatever writes need first that is not part of a write (a separate function's init). */
  prepareWrites?(): Promise<void>;
}

/** Builds the adapter from the worker's environment (see bench/systems/system-settings.ts). */
export type CreateSystem = () => Promise<SystemAdapter>;

export const NOT_FOUND_BODY = JSON.stringify({ message: 'Product not found' });
