import type { ProductRead } from '../products/read-product.js';
import { entityTag } from './entity-tags.js';

/** The read route's answer, framework-free: the Hono route and the Lambda read path both render it. */
export interface ProductReadAnswer {
  readonly status: 200 | 404;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as JSON. */
  readonly body: unknown;
}

export function productReadAnswer(read: ProductRead): ProductReadAnswer {
  // HIT on a 404 means a cached "not found": DynamoDB was not asked.
  if (!read.product) {
    return { status: 404, headers: { 'X-Cache': read.outcome }, body: { message: 'Product not found' } };
  }
  return {
    status: 200,
    headers: { 'X-Cache': read.outcome, ETag: entityTag(read.version) },
    body: read.product,
  };
}
