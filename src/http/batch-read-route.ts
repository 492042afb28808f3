import type { Hono } from 'hono';
import type { ReadProducts } from '../products/read-products.js';
import { checkProductIds } from './product-ids-query.js';
import { productsReadAnswer } from './products-read-answer.js';
import { ROUTES } from './routes.js';

/** GET (and with it HEAD) /products?ids=a,b,c: many products through the cache at once. */
export function registerBatchReadRoute(app: Hono, readProducts: ReadProducts): void {
  app.get(ROUTES.readProducts.path, async (c) => {
    const check = checkProductIds(c.req.queries('ids'));
    if (!check.ok) return c.json({ message: check.reason }, 400);
    const answer = productsReadAnswer(await readProducts(check.ids));
    for (const [name, value] of Object.entries(answer.headers)) c.header(name, value);
    return c.json(answer.body, answer.status);
  });
}
