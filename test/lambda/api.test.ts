import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sampleCatalog } from '../../src/local/sample-catalog.js';
import {
  onCustomDomain,
  productRequestEvent,
  productsRequestEvent,
} from '../fixtures/api-gateway-rest-event.js';
import { lambdaContext } from '../support/lambda-context.js';
import { captureEmf, stubLambdaEnvironment } from '../support/lambda-environment.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../support/local-dynamodb.js';
import { startTestRedis, type TestRedisServer } from '../support/redis-harness.js';

type Handler = (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;

/** A response header as API Gateway sees it: it merges `headers` and `multiValueHeaders`. */
function header(response: APIGatewayProxyResult, name: string): string | undefined {
  const multi = response.multiValueHeaders?.[name];
  return multi ? multi.join(', ') : response.headers?.[name]?.toString();
}

describe('Lambda handler for API Gateway REST proxy events', () => {
  let redis: TestRedisServer;
  let dynamo: LocalDynamoDb;
  let handler: Handler;
  let emf: string[] = [];
  const [first, second] = sampleCatalog(2);

  const invoke = (rawId: string, method = 'GET') =>
    handler(productRequestEvent(rawId, method), lambdaContext());

  beforeAll(async () => {
    redis = await startTestRedis();
    dynamo = await startLocalDynamoDb('Products', sampleCatalog(2));
    stubLambdaEnvironment({ redisUrl: redis.url, dynamoDbEndpoint: dynamo.server.endpoint });
    emf = captureEmf();
    ({ handler } = (await import('../../src/lambda/api.js')) as { handler: Handler });
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    await dynamo.stop();
    await redis.stop();
  });

  it('answers a miss from DynamoDB, then a hit from Redis, in the proxy response shape', async () => {
    const miss = await invoke('prod-0001');
    expect(miss).toMatchObject({ statusCode: 200, isBase64Encoded: false });
    expect(header(miss, 'content-type')).toBe('application/json');
    expect(header(miss, 'x-cache')).toBe('MISS');
    expect(JSON.parse(miss.body)).toEqual(first);

    const hit = await invoke('prod-0001');
    expect(header(hit, 'x-cache')).toBe('HIT');
    expect(JSON.parse(hit.body)).toEqual(first);
  });

  it('emits CacheHits, CacheMisses and DynamoDBReadUnits as EMF, one document per invocation', async () => {
    emf.length = 0;
    await invoke('prod-0002');
    await invoke('prod-0002');
    const documents = emf.map((line) => JSON.parse(line));
    expect(documents).toHaveLength(2);
    expect(documents[0]).toMatchObject({ service: 'aside', CacheMisses: 1, DynamoDBReadUnits: 0.5 });
    expect(documents[0]._aws.CloudWatchMetrics[0].Namespace).toBe('Aside');
    expect(documents[1]).toMatchObject({ CacheHits: 1 });
    expect(documents[1]).not.toHaveProperty('CacheMisses');
    expect(JSON.parse((await invoke('prod-0002')).body)).toEqual(second);
  });

  it('answers GET /products from multi-value query parameters, in order, counting each item in EMF', async () => {
    emf.length = 0;
    // `ids=prod-0002,nope&ids=prod-0001`: API Gateway keeps only the last value in queryStringParameters.
    const response = await handler(productsRequestEvent(['prod-0002,nope', 'prod-0001']), lambdaContext());
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ products: [second, first], missing: ['nope'], failed: [] });
    expect(header(response, 'x-cache')).toMatch(/^HIT=\d/);
    const [document] = emf.map((line) => JSON.parse(line));
    // A metric added more than once in an invocation is a list of its values.
    const count = (value: unknown) => [value ?? []].flat().reduce((sum: number, n) => sum + Number(n), 0);
    expect(count(document.CacheHits) + count(document.CacheMisses)).toBe(3);
  });

  it('answers 400 for GET /products without ids, through the app', async () => {
    const response = await handler(productsRequestEvent([]), lambdaContext());
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).message).toMatch(/ids is required/);
  });

  it('ignores a body sent with a GET, as API Gateway forwards it', async () => {
    const event = { ...productRequestEvent('prod-0001'), body: '{"unexpected":true}' };
    const response = await handler(event, lambdaContext());
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual(first);
  });

  it('answers 400 JSON, not a bare-text 500, to a body marked isBase64Encoded that is not base64', async () => {
    const event = {
      ...productRequestEvent('prod-0001', 'POST'),
      body: '{"name":"x"}',
      isBase64Encoded: true,
    };
    const response = await handler(event, lambdaContext());
    expect(response.statusCode).toBe(400);
    expect(header(response, 'content-type')).toBe('application/json');
    expect(JSON.parse(response.body).message).toMatch(/base64/);
  });

  it('ignores an undecodable base64 body on a GET, as any GET body', async () => {
    const event = { ...productRequestEvent('prod-0001'), body: '***', isBase64Encoded: true };
    expect((await handler(event, lambdaContext())).statusCode).toBe(200);
  });

  it.each(['catalog', 'v1/catalog'])(
    'serves a request through a custom domain with base path %s, query string included',
    async (basePath) => {
      const event = {
        ...onCustomDomain(productRequestEvent('prod-0001'), { basePath }),
        queryStringParameters: { fields: 'name' },
        multiValueQueryStringParameters: { fields: ['price', 'name'] },
      };
      const response = await handler(event, lambdaContext());
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toEqual(first);
    },
  );

  it.each(['.', '..', '%2E', '%2E%2E'])(
    'routes the dot id %s to the product route (404 "Product not found", not the router\'s 404)',
    async (rawId) => {
      for (const event of [productRequestEvent(rawId), onCustomDomain(productRequestEvent(rawId))]) {
        const response = await handler(event, lambdaContext());
        expect(response.statusCode).toBe(404);
        expect(header(response, 'x-cache')).toBeDefined();
        expect(JSON.parse(response.body)).toEqual({ message: 'Product not found' });
      }
    },
  );

  it('answers 405 JSON, not a bare-text error, to a POST with a body', async () => {
    const event = { ...productRequestEvent('prod-0001', 'POST'), body: '{"name":"x"}' };
    const response = await handler(event, lambdaContext());
    expect(response.statusCode).toBe(405);
    expect(header(response, 'content-type')).toBe('application/json');
  });

  it('answers HEAD with the GET status and no body', async () => {
    const response = await invoke('prod-0001', 'HEAD');
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('');
  });

  it('answers 404 with the documented message for an unknown id', async () => {
    const response = await invoke('prod-9999');
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toEqual({ message: 'Product not found' });
  });

  it('caches the "not found": the repeated 404 is a HIT, counted as a negative hit', async () => {
    expect(header(await invoke('prod-9998'), 'x-cache')).toBe('MISS');
    emf.length = 0;
    const repeated = await invoke('prod-9998');
    expect(repeated.statusCode).toBe(404);
    expect(header(repeated, 'x-cache')).toBe('HIT');
    expect(JSON.parse(repeated.body)).toEqual({ message: 'Product not found' });
    const [document] = emf.map((line) => JSON.parse(line));
    expect(document).toMatchObject({ CacheHits: 1, NegativeCacheHits: 1 });
    expect(document).not.toHaveProperty('DynamoDBReadUnits');
  });

  it.each([
    ['a space', 'bad%20id'],
    ['a hash-tag brace', '%7Bprod%7D'],
    ['a colon', 'a%3Ab'],
    ['129 characters', 'x'.repeat(129)],
  ])('answers 400 with a JSON message for an id with %s', async (_label, rawId) => {
    const response = await invoke(rawId);
    expect(response.statusCode).toBe(400);
    expect(header(response, 'content-type')).toBe('application/json');
    expect(JSON.parse(response.body).message).toMatch(/productId/);
  });

  it('answers 405 with Allow from the route table for a method the resource does not serve', async () => {
    const response = await invoke('prod-0001', 'PATCH');
    expect(response.statusCode).toBe(405);
    expect(header(response, 'allow')).toBe('GET, HEAD, PUT, DELETE');
    expect(JSON.parse(response.body).message).toMatch(/PATCH/);
  });

  it("serves no writes: PUT and DELETE are the writer function's, so this one answers 405", async () => {
    for (const method of ['PUT', 'DELETE']) {
      const event = { ...productRequestEvent('prod-0001', method), body: '{"name":"x","price":1}' };
      const response = await handler(event, lambdaContext());
      expect(response.statusCode).toBe(405);
      expect(JSON.parse(response.body).message).toMatch(method);
    }
    expect(JSON.parse((await invoke('prod-0001')).body)).toEqual(first);
  });

  it('sends the version as ETag on a 200', async () => {
    expect(header(await invoke('prod-0001'), 'etag')).toBe(`"${first?.version}"`);
  });

  it('fails open when Redis is killed: the read bypasses the cache and still answers 200', async () => {
    await redis.kill();
    const started = Date.now();
    const response = await invoke('prod-0001');
    expect(response.statusCode).toBe(200);
    expect(header(response, 'x-cache')).toBe('BYPASS');
    expect(JSON.parse(response.body)).toEqual(first);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
