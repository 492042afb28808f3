/** A product's attributes as a client writes them: at least a name and a price, any other JSON values. */
export interface ProductAttributes {
  readonly name: string;
  readonly price: number;
  readonly [attribute: string]: unknown;
}

/** A product as a write stored it: the client's attributes, its id, and the version the write gave it. */
export type StoredProduct = ProductAttributes & { readonly productId: string; readonly version: number };

/** The most versions one If-Match may name (DynamoDB's limit on IN operands); HTTP enforces it. */
export const MAX_IF_MATCH_VERSIONS = 100;

/**
 * Conditions on the item's current version, from HTTP's If-Match and If-None-Match. A version-less item
 * (written by someone who does not version it) counts as version 0, as reads report it.
 */
export interface WritePreconditions {
  /** Proceed only if the item exists with one of these versions, or exists at all (`*`). */
  readonly ifMatch?: '*' | readonly number[];
  /** Proceed only if the item is absent (`*`), or its version is none of these. */
  readonly ifNoneMatch?: '*' | readonly number[];
}

export type PutResult =
  | { readonly status: 'created' | 'replaced'; readonly product: StoredProduct }
  | { readonly status: 'precondition-failed' };

export type DeleteResult =
  | { readonly status: 'deleted'; readonly version: number }
  | { readonly status: 'not-found' }
  | { readonly status: 'precondition-failed' };

/**
 * The table's write side (DynamoDB in production). Every write gives the item the version
 * `max(previous + 1, now in ms)` with a conditional write, so versions never go backwards, even across
 * a delete and a re-create. Rejects with a SourceError when the table fails or stays contended, and
 * with an InvalidProductError when the table refuses the item.
 */
export interface ProductWriter {
  /** Creates or replaces the item with exactly these attributes. */
  put(id: string, attributes: ProductAttributes, preconditions: WritePreconditions): Promise<PutResult>;
  /** Deletes the item; `ifMatch` only, as a delete of an absent item is a 404 anyway. */
  delete(id: string, preconditions: Pick<WritePreconditions, 'ifMatch'>): Promise<DeleteResult>;
}
