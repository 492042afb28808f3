import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { ALL_ROUTES, allowedMethods, toRouterPath } from '../../src/http/routes.js';

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
      new Set(ALL_ROUTES.map((route) => `${route.method} ${toRouterPath(route.path)}`)),
    );
  });

  it('derives Allow from the routes on a path, with HEAD wherever GET is', async () => {
    expect(allowedMethods('/product/{productId}')).toBe('GET, HEAD');
    expect(allowedMethods('/nowhere')).toBe('');
    const answer = await app.request('/product/prod-0001', { method: 'POST' });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe(allowedMethods('/product/{productId}'));
  });

  it('translates API Gateway path parameters to router parameters', () => {
    expect(toRouterPath('/product/{productId}')).toBe('/product/:productId');
  });
});
