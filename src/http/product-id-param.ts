import { createMiddleware } from 'hono/factory';
import { checkProductId } from '../products/product-id.js';

/** 400 for an id outside the safe set, before anything else looks at the request; else `c.var.productId`. */
export const requireValidProductId = createMiddleware<{ Variables: { productId: string } }>(
  async (c, next) => {
    const check = checkProductId(c.req.param('productId'));
    if (!check.ok) return c.json({ message: check.reason }, 400);
    c.set('productId', check.id);
    await next();
  },
);
