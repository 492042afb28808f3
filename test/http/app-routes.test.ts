import { describe, expect, it } from 'vitest';
import { type ApiDependencies, createApp } from '../../src/http/app.js';
import { ALL_ROUTES, allowedMethods, toRouterPath } from '../../src/http/routes.js';

const readProduct: ApiDependencies['readProduct'] = async () => ({ outcome: 'MISS', productJson: null });
const readProducts: ApiDependencies['readProducts'] = async () => [];
const writeProduct: ApiDependencies['writeProduct'] = {
  put: async () => ({ status: 'precondition-failed' }),
  delete: async () => ({ status: 'not-found' }),
};
const checkHealth: ApiDependencies['checkHealth'] = async () => ({
  status: 'ok',
  checkedAt: new Date(0).toISOString(),
  cache: { kind: 'memory', status: 'up' },
  database: { kind: 'dynamodb', table: 'Products', status: 'up' },
});
const hooks = { onRequestEnd: () => {}, onError: () => {} };

/** `METHOD /path` of every method-specific route the app registered (middleware included, once). */
function served(app: ReturnType<typeof createApp>): Set<string> {
  return new Set(
    app.routes
      .filter((route) => route.method !== 'ALL' && !route.path.endsWith('/'))
      .map((route) => `${route.method} ${route.path}`),
  );
}

const routeKey = (route: (typeof ALL_ROUTES)[number]) => `${route.method} ${toRouterPath(route.path)}`;

describe('the app serves exactly the routes in ROUTES', () => {
  const app = createApp({ readProduct, readProducts, writeProduct, checkHealth, ...hooks });

  it('registers a handler for every route and no other method-specific route', () => {
    expect(served(app)).toEqual(new Set(ALL_ROUTES.map(routeKey)));
  });

  it('derives Allow from the routes on a path, with HEAD wherever GET is', async () => {
    expect(allowedMethods('/product/{productId}')).toBe('GET, HEAD, PUT, DELETE');
    expect(allowedMethods('/health')).toBe('GET, HEAD');
    expect(allowedMethods('/nowhere')).toBe('');
    const answer = await app.request('/product/prod-0001', { method: 'POST' });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe(allowedMethods('/product/{productId}'));
  });

  it('translates API Gateway path parameters to router parameters', () => {
    expect(toRouterPath('/product/{productId}')).toBe('/product/:productId');
  });
});

describe('a runtime serves only its route group; other methods answer 405 with Allow from the table', () => {
  it('the read runtime (api function): GET routes only', async () => {
    const app = createApp({ readProduct, readProducts, checkHealth, ...hooks });
    expect(served(app)).toEqual(new Set(ALL_ROUTES.filter((r) => r.function === 'api').map(routeKey)));
    for (const method of ['PUT', 'DELETE']) {
      const answer = await app.request('/product/prod-0001', {
        method,
        body: method === 'PUT' ? '{}' : null,
      });
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toBe('GET, HEAD, PUT, DELETE');
      expect(await answer.json()).toEqual({ message: `Method ${method} is not allowed on this resource` });
    }
  });

  it('the write runtime (writer function): PUT and DELETE only', async () => {
    const app = createApp({ writeProduct, ...hooks });
    expect(served(app)).toEqual(new Set(ALL_ROUTES.filter((r) => r.function === 'writer').map(routeKey)));
    for (const method of ['GET', 'HEAD']) {
      const answer = await app.request('/product/prod-0001', { method });
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toBe('GET, HEAD, PUT, DELETE');
    }
    const health = await app.request('/health');
    expect(health.status).toBe(405);
    expect(health.headers.get('allow')).toBe('GET, HEAD');
    expect((await app.request('/product/', { method: 'DELETE' })).status).toBe(400);
  });
});
