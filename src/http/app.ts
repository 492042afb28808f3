import { Hono } from 'hono';
import type { CheckHealth } from '../health/check-health.js';
import type { ReadProduct } from '../products/read-product.js';
import type { ReadProducts } from '../products/read-products.js';
import type { WriteProduct } from '../products/write-product.js';
import { registerBatchReadRoute } from './batch-read-route.js';
import { registerHealthRoute } from './health-route.js';
import { toErrorResponse } from './http-errors.js';
import { registerReadRoutes } from './read-routes.js';
import { ALL_ROUTES, allowedMethods, toRouterPath } from './routes.js';
import { routingPath } from './routing-path.js';
import { registerWriteRoutes } from './write-routes.js';

/** What the app calls around every request; a host answering a route without the app calls them too. */
export interface RequestHooks {
  /** Called after every request, including failed ones (flushes that request's metrics). */
  readonly onRequestEnd: () => void;
  readonly onError: (error: unknown) => void;
}

/** A runtime serves the read routes, the write routes, or both (the local server). */
export interface ApiDependencies extends RequestHooks {
  readonly readProduct?: ReadProduct;
  /** GET /products; served with the read routes. */
  readonly readProducts?: ReadProducts;
  readonly writeProduct?: WriteProduct;
  /** GET /health; served by the read runtime (the api function). */
  readonly checkHealth?: CheckHealth;
}

/** The HTTP API, defined once; served by the Lambda handlers and by the local Node server. */
export function createApp({
  readProduct,
  readProducts,
  writeProduct,
  checkHealth,
  onRequestEnd,
  onError,
}: ApiDependencies): Hono {
  // Routes on the path as sent when URL parsing would resolve its dot segments: "." and ".." are ids.
  const app = new Hono({ getPath: routingPath });

  app.use(async (_c, next) => {
    try {
      await next();
    } finally {
      onRequestEnd();
    }
  });

  if (readProduct) registerReadRoutes(app, readProduct);
  if (readProducts) registerBatchReadRoute(app, readProducts);
  if (writeProduct) registerWriteRoutes(app, writeProduct);
  if (checkHealth) registerHealthRoute(app, checkHealth);

  const servedMethods = [...(readProduct ? ['GET'] : []), ...(writeProduct ? ['PUT', 'DELETE'] : [])];
  app.on(servedMethods, '/product/', (c) => c.json({ message: 'productId is required' }, 400));

  // Allow names every method of the route table, also those another function serves (behind API
  // Gateway each method reaches its own function, so only the local server or a direct call gets here).
  for (const path of new Set(ALL_ROUTES.map((route) => route.path))) {
    app.all(toRouterPath(path), (c) => {
      c.header('Allow', allowedMethods(path));
      return c.json({ message: `Method ${c.req.method} is not allowed on this resource` }, 405);
    });
  }

  app.notFound((c) => c.json({ message: 'Not found' }, 404));

  app.onError((error, c) => {
    onError(error);
    const response = toErrorResponse(error);
    for (const [name, value] of Object.entries(response.headers ?? {})) c.header(name, value);
    return c.json({ message: response.message }, response.status);
  });

  return app;
}
