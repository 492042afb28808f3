import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { ROUTES, toRouterPath } from '../../src/http/routes.js';

describe('the app serves exactly the routes in ROUTES', () => {
  const app = createApp({
    readProduct: async () => ({ outcome: 'MISS', product: null }),
    onRequestEnd: () => {},
    onError: () => {},
  });

  it('registers a handler for every route and no other method-specific route', () => {
    const served = app.routes
      .filter((route) => route.method !== 'ALL' && !route.path.endsWith('/'))
      .map((route) => `${route.method} ${route.path}`);
    expect(new Set(served)).toEqual(
      new Set(ROUTES.map((route) => `${route.method} ${toRouterPath(route.path)}`)),
    );
  });

  it('translates API Gateway path parameters to router parameters', () => {
    expect(toRouterPath('/product/{productId}')).toBe('/product/:productId');
  });
});
