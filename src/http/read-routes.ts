import type { Hono } from 'hono';
import type { ReadProduct } from '../products/read-product.js';
import { entityTag } from './entity-tags.js';
import { requireValidProductId } from './product-id-param.js';
import { ROUTES, toRouterPath } from './routes.js';

/** GET (and with it HEAD) /product/{productId}: the read use-case through the cache. */
export function registerReadRoutes(app: Hono, readProduct: ReadProduct): void {
  app.get(toRouterPath(ROUTES.readProduct.path), requireValidProductId, async (c) => {
    const read = await readProduct(c.var.productId);
    // HIT on a 404 means a cached "not found": DynamoDB was not asked.
    c.header('X-Cache', read.outcome);
    if (!read.product) return c.json({ message: 'Product not found' }, 404);
    c.header('ETag', entityTag(read.version));
    return c.json(read.product, 200);
  });
}
