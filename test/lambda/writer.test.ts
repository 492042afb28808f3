import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sampleCatalog } from '../../src/local/sample-catalog.js';
import {
  onCustomDomain,
  productRequestEvent,
  productWriteEvent,
  type WriteEventOptions,
} from '../fixtures/api-gateway-rest-event.js';
import { lambdaContext } from '../support/lambda-context.js';
import { captureEmf, stubLambdaEnvironment } from '../support/lambda-environment.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../support/local-dynamodb.js';
import { startTestRedis, type TestRedisServer } from '../support/redis-harness.js';

type Handler = (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;

function header(response: APIGatewayProxyResult, name: string): string | undefined {
  const multi = response.multiValueHeaders?.[name];
  return multi ? multi.join(', ') : response.headers?.[name]?.toString();
}

const JSON_TYPE = { 'Content-Type': 'application/json' };

describe('the writer Lambda handler with API Gateway REST proxy events', () => {
  let redis: TestRedisServer;
  let dynamo: LocalDynamoDb;
  let writer: Handler;
  let api: Handler;
  let emf: string[] = [];
  const [first] = sampleCatalog(1);

  const write = (id: string, method: 'PUT' | 'DELETE', options: WriteEventOptions = {}) =>
    writer(productWriteEvent(id, method, options), lambdaContext('aside-writer'));
  const putJson = (id: string, body: unknown, base64 = false, headers: Record<string, string> = {}) =>
    write(id, 'PUT', { body: JSON.stringify(body), base64, headers: { ...JSON_TYPE, ...headers } });
  const read = (id: string) => api(productRequestEvent(id), lambdaContext());

  beforeAll(async () => {
    redis = await startTestRedis();
    dynamo = await startLocalDynamoDb('Products', sampleCatalog(1));
    stubLambdaEnvironment({ redisUrl: redis.url, dynamoDbEndpoint: dynamo.server.endpoint });
    emf = captureEmf();
    ({ handler: writer } = (await import('../../src/lambda/writer.js')) as { handler: Handler });
    ({ handler: api } = (await import('../../src/lambda/api.js')) as { handler: Handler });
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    await dynamo.stop();
    await redis.stop();
  });

  it('PUT with a plain body creates (201); the api function then answers that version from the cache', async () => {
    emf.length = 0;
    const created = await putJson('lambda-1', { name: 'Kettle', price: 30 });
    expect(created).toMatchObject({ statusCode: 201, isBase64Encoded: false });
    const product = JSON.parse(created.body);
    expect(product).toEqual({
      name: 'Kettle',
      price: 30,
      productId: 'lambda-1',
      version: expect.any(Number),
    });
    expect(header(created, 'etag')).toBe(`"${product.version}"`);
    const [document] = emf.map((line) => JSON.parse(line));
    expect(document).toMatchObject({ ProductWrites: 1, CacheWriteThroughs: 1 });

    const got = await read('lambda-1');
    expect(header(got, 'x-cache')).toBe('HIT');
    expect(header(got, 'etag')).toBe(`"${product.version}"`);
    expect(JSON.parse(got.body)).toEqual(product);
  });

  it('PUT with a base64-encoded body (binary media types) replaces (200) the same way', async () => {
    const replaced = await putJson(
      'prod-0001',
      { ...first, version: undefined, name: 'Renamed ünïcode' },
      true,
    );
    expect(replaced.statusCode).toBe(200);
    const product = JSON.parse(replaced.body);
    expect(product).toMatchObject({ productId: 'prod-0001', name: 'Renamed ünïcode' });
    expect(product.version).toBeGreaterThan(first?.version ?? 0);
    expect(JSON.parse((await read('prod-0001')).body)).toEqual(product);
  });

  it('DELETE with If-Match: 412 when stale (counted), 204 when current; then the api function answers 404', async () => {
    const etag = header(await putJson('lambda-2', { name: 'Chair', price: 5 }), 'etag') as string;
    emf.length = 0;
    const stale = await write('lambda-2', 'DELETE', { headers: { 'If-Match': '"1"' } });
    expect(stale.statusCode).toBe(412);
    expect(JSON.parse(stale.body).message).toMatch(/If-Match/);
    expect(JSON.parse(emf[0] as string)).toMatchObject({ WritePreconditionFailures: 1 });
    const deleted = await write('lambda-2', 'DELETE', { headers: { 'If-Match': etag } });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect(Number(JSON.parse(header(deleted, 'etag') as string))).toBeGreaterThan(Number(JSON.parse(etag)));
    expect((await read('lambda-2')).statusCode).toBe(404);
  });

  it.each([
    ['bad JSON', { body: '{', headers: JSON_TYPE }, 400],
    ['bad JSON, base64', { body: '{', base64: true, headers: JSON_TYPE }, 400],
    ['an invalid body', { body: '{"name":""}', headers: JSON_TYPE }, 400],
    ['no Content-Type', { body: '{"name":"a","price":1}' }, 415],
    [
      'a body over 64 KiB',
      { body: JSON.stringify({ name: 'a', price: 1, pad: 'x'.repeat(70_000) }), headers: JSON_TYPE },
      413,
    ],
    [
      'a body over 64 KiB, base64',
      {
        body: JSON.stringify({ name: 'a', price: 1, pad: 'x'.repeat(70_000) }),
        base64: true,
        headers: JSON_TYPE,
      },
      413,
    ],
  ] as const)('answers a PUT with %s with its 4xx as JSON', async (_label, options, status) => {
    const response = await write('lambda-3', 'PUT', options);
    expect(response.statusCode).toBe(status);
    expect(header(response, 'content-type')).toBe('application/json');
    expect(typeof JSON.parse(response.body).message).toBe('string');
  });

  it('answers 400 JSON, not a bare-text 500, to a body marked isBase64Encoded that is not base64', async () => {
    const event = { ...productWriteEvent('lambda-5', 'PUT', { headers: JSON_TYPE }), isBase64Encoded: true };
    for (const body of ['{"name":"a","price":1}', 'eyJu@W1l', 'YQ=']) {
      const response = await writer({ ...event, body }, lambdaContext('aside-writer'));
      expect(response.statusCode).toBe(400);
      expect(header(response, 'content-type')).toBe('application/json');
      expect(JSON.parse(response.body).message).toMatch(/base64/);
    }
    expect((await read('lambda-5')).statusCode).toBe(404);
  });

  it('serves PUT and DELETE through a custom domain with a base path, as GET is served', async () => {
    const viaDomain = (event: ReturnType<typeof productWriteEvent>) =>
      onCustomDomain(event, { domainName: 'api.example.com', basePath: 'catalog' });
    const body = JSON.stringify({ name: 'Lamp', price: 12 });
    const created = await writer(
      viaDomain(productWriteEvent('lambda-6', 'PUT', { body, headers: JSON_TYPE })),
      lambdaContext('aside-writer'),
    );
    expect(created.statusCode).toBe(201);
    const got = await api(viaDomain(productRequestEvent('lambda-6')), lambdaContext());
    expect(got.statusCode).toBe(200);
    expect(JSON.parse(got.body)).toEqual(JSON.parse(created.body));
    const deleted = await writer(
      viaDomain(productWriteEvent('lambda-6', 'DELETE')),
      lambdaContext('aside-writer'),
    );
    expect(deleted.statusCode).toBe(204);
    expect((await api(viaDomain(productRequestEvent('lambda-6')), lambdaContext())).statusCode).toBe(404);
  });

  it.each([
    ['.', '.', '%2E'],
    ['..', '..', '%2E%2E'],
    ['%2E%2E', '..', '..'],
    ['%2e', '.', '.'],
  ])(
    'PUT then GET of the dot id %s stores and reads the id %s (also read as %s)',
    async (rawId, id, otherRawId) => {
      const created = await putJson(rawId, { name: `Dot ${id}`, price: 1 });
      expect([200, 201]).toContain(created.statusCode);
      const product = JSON.parse(created.body);
      expect(product).toMatchObject({ productId: id, name: `Dot ${id}` });
      for (const raw of [rawId, otherRawId]) {
        const got = await read(raw);
        expect(got.statusCode).toBe(200);
        expect(JSON.parse(got.body)).toEqual(product);
      }
    },
  );

  it('serves no reads: GET answers 405 with Allow from the route table', async () => {
    const response = await writer(productRequestEvent('prod-0001'), lambdaContext('aside-writer'));
    expect(response.statusCode).toBe(405);
    expect(header(response, 'allow')).toBe('GET, HEAD, PUT, DELETE');
  });

  it('Redis down: the write still succeeds, counted in CacheMaintenanceErrors', async () => {
    await redis.kill();
    emf.length = 0;
    const created = await putJson('lambda-4', { name: 'Tent', price: 99 });
    expect(created.statusCode).toBe(201);
    const [document] = emf.map((line) => JSON.parse(line));
    expect(document).toMatchObject({ ProductWrites: 1, CacheMaintenanceErrors: 1 });
    expect(document).not.toHaveProperty('CacheWriteThroughs');
  });
});
