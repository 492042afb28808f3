import type { ProductRead, ReadProduct } from '../products/read-product.js';
import type { RequestHooks } from './app.js';
import { entityTag } from './entity-tags.js';
import { answerWithHooks, type RouteAnswer } from './route-answer.js';

/** GET /product/{productId}'s answer when the read succeeded. */
export interface ProductReadAnswer extends RouteAnswer {
  readonly status: 200 | 404;
}

const NOT_FOUND = JSON.stringify({ message: 'Product not found' });

export function productReadAnswer(read: ProductRead): ProductReadAnswer {
  // HIT on a 404 means a cached "not found": DynamoDB was not asked.
  if (read.productJson === null)
    return { status: 404, headers: { 'X-Cache': read.outcome }, json: NOT_FOUND };
  return {
    status: 200,
    headers: { 'X-Cache': read.outcome, ETag: entityTag(read.version) },
    json: read.productJson,
  };
}

/** The read route answered without the app, for a host that checked the id itself. */
export function answerReadRoute(
  readProduct: ReadProduct,
  hooks: RequestHooks,
  id: string,
): Promise<RouteAnswer> {
  return answerWithHooks(hooks, async () => productReadAnswer(await readProduct(id)));
}
