import type { APIGatewayProxyEvent } from 'aws-lambda';
import { Hono } from 'hono';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { describe, expect, it } from 'vitest';
import { routingPath } from '../../src/http/routing-path.js';
import { withResolvedPath } from '../../src/lambda/resolved-path.js';
import { hasUndecodableBody } from '../../src/lambda/unreadable-event.js';
import { onCustomDomain, productRequestEvent } from '../fixtures/api-gateway-rest-event.js';

/** The routing the real app does (its getPath), answering what a route saw. */
const echo = new Hono({ getPath: routingPath });
echo.get('/product/:productId', (c) =>
  c.json({ path: c.req.path, productId: c.req.param('productId'), queries: c.req.queries() }),
);
echo.notFound((c) => c.json({ notFound: c.req.path }, 404));
const serveEcho = handle(echo);

async function routed(event: APIGatewayProxyEvent) {
  // The fixture is typed with @types/aws-lambda, whose nullable fields hono's own event type does not allow.
  const response = await serveEcho(withResolvedPath(event) as unknown as LambdaEvent);
  return { status: response.statusCode, body: JSON.parse(response.body) };
}

describe('the path the app routes on, from an API Gateway REST event', () => {
  it('is the resource with its parameters on the execute-api host (path has no stage)', () => {
    expect(withResolvedPath(productRequestEvent('prod-0001')).path).toBe('/product/prod-0001');
  });

  it.each([
    ['catalog', '/catalog/product/prod-0001'],
    ['v1/catalog', '/v1/catalog/product/prod-0001'],
  ])(
    'drops the custom domain base path %s that path and requestContext.path both carry',
    (basePath, sent) => {
      const event = onCustomDomain(productRequestEvent('prod-0001'), { basePath });
      expect([event.path, event.requestContext.path]).toEqual([sent, sent]);
      expect(withResolvedPath(event).path).toBe('/product/prod-0001');
    },
  );

  it('percent-encodes the decoded parameter again, so an invalid id still reaches validation', () => {
    expect(withResolvedPath(productRequestEvent('a%2Fb%20c')).path).toBe('/product/a%2Fb%20c');
  });

  it('keeps the path of an event without the parameter values (a direct invoke)', () => {
    const event = { ...productRequestEvent('prod-0001'), pathParameters: null };
    expect(withResolvedPath(event)).toBe(event);
  });

  it('keeps the slashes of a greedy {proxy+} parameter', () => {
    const event = {
      ...productRequestEvent('x'),
      resource: '/files/{proxy+}',
      pathParameters: { proxy: 'a b/c' },
    };
    expect(withResolvedPath(event).path).toBe('/files/a%20b/c');
  });

  it('routes a custom-domain request with its query string, single- and multi-valued', async () => {
    const event = {
      ...onCustomDomain(productRequestEvent('prod-0001')),
      queryStringParameters: { tag: 'b', q: 'x y' },
      multiValueQueryStringParameters: { tag: ['a', 'b'], q: ['x y'] },
    };
    expect(await routed(event)).toEqual({
      status: 200,
      body: { path: '/product/prod-0001', productId: 'prod-0001', queries: { tag: ['a', 'b'], q: ['x y'] } },
    });
  });

  it.each([
    ['.', '.'],
    ['..', '..'],
    ['%2E', '.'],
    ['%2E%2E', '..'],
    ['.%2e', '..'],
  ])('routes the dot id %s to the product route, as %s', async (rawId, id) => {
    for (const event of [productRequestEvent(rawId), onCustomDomain(productRequestEvent(rawId))]) {
      expect(await routed(event)).toMatchObject({ status: 200, body: { productId: id } });
    }
  });

  it('still resolves nothing else: a dot segment elsewhere is routed as sent, not resolved', async () => {
    const event = { ...productRequestEvent('x'), resource: '/product/../{productId}' };
    expect(await routed(event)).toEqual({ status: 404, body: { notFound: '/product/../x' } });
  });
});

describe('a body marked isBase64Encoded', () => {
  const event = (body: string | null, isBase64Encoded = true) => ({
    ...productRequestEvent('x', 'PUT'),
    body,
    isBase64Encoded,
  });

  it.each([
    'eyJhIjoxfQ==',
    'eyJhIjoxfQ',
    'eyJh Ijox\nfQ==',
    'YQ==',
    'YWI=',
    'YWI',
    '',
    '***',
    'YQ=',
    'Y',
    '{"name":"x"}',
    'YQ==YQ==',
    'ü',
  ])('is undecodable exactly when atob, which the adapter uses, refuses %j', (body) => {
    let refused = false;
    try {
      atob(body);
    } catch {
      refused = true;
    }
    expect(hasUndecodableBody(event(body))).toBe(refused);
  });

  it('is not checked when not marked, or absent', () => {
    expect(hasUndecodableBody(event('***', false))).toBe(false);
    expect(hasUndecodableBody(event(null))).toBe(false);
  });
});
