import type { Hono } from 'hono';
import type { ReadProducts } from '../products/read-products.js';
import { batchReadAnswer } from './products-read-answer.js';
import { ROUTES } from './routes.js';
import { sendRouteAnswer } from './send-route-answer.js';

/** GET (and with it HEAD) /products?ids=a,b,c: many products through the cache at once. */
export function registerBatchReadRoute(app: Hono, readProducts: ReadProducts): void {
  app.get(ROUTES.readProducts.path, async (c) => {
    const answer = await batchReadAnswer(readProducts, c.req.queries('ids'));
    return sendRouteAnswer(c, answer);
  });
}
