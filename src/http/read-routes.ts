import type { Hono } from 'hono';
import type { ReadProduct } from '../products/read-product.js';
import { requireValidProductId } from './product-id-param.js';
import { productReadAnswer } from './product-read-answer.js';
import { ROUTES, toRouterPath } from './routes.js';
import { sendRouteAnswer } from './send-route-answer.js';

/** GET (and with it HEAD) /product/{productId}: the read use-case through the cache. */
export function registerReadRoutes(app: Hono, readProduct: ReadProduct): void {
  app.get(toRouterPath(ROUTES.readProduct.path), requireValidProductId, async (c) => {
    const answer = productReadAnswer(await readProduct(c.var.productId));
    return sendRouteAnswer(c, answer);
  });
}
