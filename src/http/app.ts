import { Hono } from 'hono';
import { checkProductId } from '../products/product-id.js';
import type { ReadProduct } from '../products/read-product.js';
import { toErrorResponse } from './http-errors.js';
import { allowedMethods, ROUTES, toRouterPath } from './routes.js';

export interface ApiDependencies {
  readonly readProduct: ReadProduct;
  /** Called after every request, including failed ones (flushes that request's metrics). */
  readonly onRequestEnd: () => void;
  readonly onError: (error: unknown) => void;
}

const PRODUCT_PATH = toRouterPath(ROUTES.readProduct.path);

/** The HTTP API, defined once; served by the Lambda handler and by the local Node server. */
export function createApp({ readProduct, onRequestEnd, onError }: ApiDependencies): Hono {
  const app = new Hono();

  app.use(async (_c, next) => {
    try {
      await next();
    } finally {
      onRequestEnd();
    }
  });

  app.get(PRODUCT_PATH, async (c) => {
    const check = checkProductId(c.req.param('productId'));
    if (!check.ok) return c.json({ message: check.reason }, 400);
    const { outcome, product } = await readProduct(check.id);
    // HIT on a 404 means a cached "not found": DynamoDB was not asked.
    c.header('X-Cache', outcome);
    if (!product) return c.json({ message: 'Product not found' }, 404);
    return c.json(product, 200);
  });

  app.get('/product/', (c) => c.json({ message: 'productId is required' }, 400));

  app.all(PRODUCT_PATH, (c) => {
    c.header('Allow', allowedMethods(ROUTES.readProduct.path));
    return c.json({ message: `Method ${c.req.method} is not allowed on this resource` }, 405);
  });

  app.notFound((c) => c.json({ message: 'Not found' }, 404));

  app.onError((error, c) => {
    onError(error);
    const response = toErrorResponse(error);
    for (const [name, value] of Object.entries(response.headers ?? {})) c.header(name, value);
    return c.json({ message: response.message }, response.status);
  });

  return app;
}
