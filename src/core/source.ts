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
