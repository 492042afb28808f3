import type { SourceError } from './source-error.js';

/** One item as the source of truth holds it, with the version its conditional writes maintain. */
export interface SourceRecord<T> {
  readonly value: T;
  readonly version: number;
}

export interface LoadOptions {
  /** Read the latest committed item (DynamoDB ConsistentRead), not a possibly lagging replica. */
  readonly consistent: boolean;
}

/** The source of truth behind the cache (DynamoDB in production). */
export interface Source<T> {
  /** The item, or null when no item has this id. Rejects with a SourceError when the source fails. */
  load(id: string, options: LoadOptions): Promise<SourceRecord<T> | null>;
}

/** What a batch load found: every id asked, or the ids the source could not read this time. */
export interface BatchLoad<T> {
  /** Each id read: its record, or null when no item has this id. */
  readonly records: ReadonlyMap<string, SourceRecord<T> | null>;
  /** Ids the source did not read within its bounded retries (e.g. throttled), each with why. */
  readonly failed: ReadonlyMap<string, SourceError>;
}

/** A source that can also read many items in one request (DynamoDB BatchGetItem), for batch reads. */
export interface BatchSource<T> extends Source<T> {
  /** At most 100 distinct ids. Rejects with a SourceError when the request as a whole fails. */
  loadMany(ids: readonly string[], options: LoadOptions): Promise<BatchLoad<T>>;
}
