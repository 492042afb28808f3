import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ApiRuntime, createApiRuntime } from '../../src/composition/create-api-runtime.js';
import { loadConfig } from '../../src/config/config.js';
import { withJsonErrorBody } from '../../src/lambda/adapter-error.js';
import { directRead } from '../../src/lambda/direct-read-event.js';
import { withResolvedPath } from '../../src/lambda/resolved-path.js';
import { serveApiGateway } from '../../src/lambda/serve-api-gateway.js';
import {
  hasUnencodableQuery,
  UNENCODABLE_QUERY,
  unreadableEventResult,
} from '../../src/lambda/unreadable-event.js';
import { withoutReadBody } from '../../src/lambda/without-read-body.js';
import { DYNALITE_CREDENTIALS } from '../../src/local/dynalite-server.js';
import { sampleCatalog } from '../../src/local/sample-catalog.js';
import {
  onCustomDomain,
  productRequestEvent,
  productsRequestEvent,
} from '../fixtures/api-gateway-rest-event.js';
import { lambdaContext } from '../support/lambda-context.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../support/local-dynamodb.js';
import { startTestRedis, type TestRedisServer } from '../support/redis-harness.js';

const withBody = (event: APIGatewayProxyEvent, body: string, isBase64Encoded = false) => ({
  ...event,
  body,
  isBase64Encoded,
});
const withHeaders = (event: APIGatewayProxyEvent, extra: Record<string, string>) => {
  const headers = { ...(event.headers as Record<string, string>), ...extra };
  return {
    ...event,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
  };
};

/** Events the direct read paths answer, and neighbours they must leave to the app; both must answer alike. */
const EVENTS: ReadonlyArray<readonly [string, APIGatewayProxyEvent, boolean]> = [
  ['a hit', productRequestEvent('prod-0001'), true],
  ['HEAD of a hit', productRequestEvent('prod-0001', 'HEAD'), true],
  ['an unknown id', productRequestEvent('prod-9999'), true],
  ['the dot id .', productRequestEvent('.'), true],
  ['the dot id ..', productRequestEvent('..'), true],
  ['the encoded dot id %2E%2E', productRequestEvent('%2E%2E'), true],
  [
    'a custom-domain base path',
    onCustomDomain(productRequestEvent('prod-0001'), { basePath: 'v1/catalog' }),
    true,
  ],
  [
    'a single-value-headers-only event',
    { ...productRequestEvent('prod-0002'), multiValueHeaders: null } as never,
    true,
  ],
  [
    'a query string',
    {
      ...productRequestEvent('prod-0001'),
      queryStringParameters: { a: 'b c' },
      multiValueQueryStringParameters: { a: ['b c', 'd'] },
    },
    true,
  ],
  ['a GET body', withBody(productRequestEvent('prod-0001'), '{"x":1}'), true],
  ['a GET base64 body that is not base64', withBody(productRequestEvent('prod-0001'), '***', true), true],
  ['a GET base64 body', withBody(productRequestEvent('prod-0001'), 'eyJ4IjoxfQ==', true), true],
  ['a bad id (space)', productRequestEvent('bad%20id'), false],
  ['a bad id (129 characters)', productRequestEvent('x'.repeat(129)), false],
  ['an empty id', { ...productRequestEvent('x'), pathParameters: { productId: '' } }, false],
  ['no path parameters', { ...productRequestEvent('prod-0001'), pathParameters: null }, false],
  ['an invalid header name', withHeaders(productRequestEvent('prod-0001'), { 'bad name': 'x' }), false],
  [
    'a header value with a NUL',
    withHeaders(productRequestEvent('prod-0001'), { 'X-Odd': 'a\u0000b' }),
    false,
  ],
  ['a non-ASCII header value', withHeaders(productRequestEvent('prod-0001'), { 'X-Odd': 'café' }), false],
  [
    'a lone surrogate in the query',
    {
      ...productRequestEvent('prod-0001'),
      queryStringParameters: { q: '\ud800' },
      multiValueQueryStringParameters: null,
    },
    false,
  ],
  ['a batch of hits', productsRequestEvent(['prod-0001,prod-0002']), true],
  [
    'a batch with ids= repeated and a missing id',
    productsRequestEvent(['prod-0002', 'prod-9999,prod-0001']),
    true,
  ],
  ['HEAD of a batch', productsRequestEvent(['prod-0001,prod-0002'], 'HEAD'), true],
  ['a batch with a bad id', productsRequestEvent(['prod-0001,bad id']), true],
  ['a batch without ids', productsRequestEvent([]), true],
  ['a batch with an empty ids', productsRequestEvent(['']), true],
  [
    'a batch of 101 ids',
    productsRequestEvent([Array.from({ length: 101 }, (_, i) => `p${i}`).join(',')]),
    true,
  ],
  [
    'a batch in single-value parameters only',
    { ...productsRequestEvent(['prod-0001,prod-9999']), multiValueQueryStringParameters: null },
    true,
  ],
  [
    'a batch whose single ids value is null',
    { ...productsRequestEvent([]), queryStringParameters: { ids: null } as never },
    false,
  ],
  [
    'a batch whose ids are only in the single-value parameters beside multi-value ones',
    {
      ...productsRequestEvent([]),
      queryStringParameters: { ids: 'prod-0001' },
      multiValueQueryStringParameters: { other: ['x'] },
    },
    true,
  ],
  [
    'a batch with other parameters and encodable characters',
    {
      ...productsRequestEvent(['prod-0001,a+b%c']),
      multiValueQueryStringParameters: { ids: ['prod-0001,a+b%c'], q: ['x y', '&='] },
    },
    true,
  ],
  [
    'a batch with a lone surrogate',
    { ...productsRequestEvent(['prod-0001']), multiValueQueryStringParameters: { ids: ['\ud800'] } },
    false,
  ],
  ['a POST of a batch', productsRequestEvent(['prod-0001'], 'POST'), false],
  ['a POST', productRequestEvent('prod-0001', 'POST'), false],
  ['lower-case get', productRequestEvent('prod-0001', 'get'), false],
  ['a DELETE', productRequestEvent('prod-0001', 'DELETE'), false],
];

describe('the direct read paths of the api handler', () => {
  let redis: TestRedisServer;
  let dynamo: LocalDynamoDb;
  let runtime: ApiRuntime;
  let direct: ReturnType<typeof serveApiGateway>;
  let throughApp: (event: LambdaEvent) => Promise<unknown>;

  beforeAll(async () => {
    redis = await startTestRedis();
    dynamo = await startLocalDynamoDb('Products', sampleCatalog(2));
    const config = loadConfig({
      REDIS_URL: redis.url,
      DYNAMODB_ENDPOINT: dynamo.server.endpoint,
      LOG_LEVEL: 'SILENT',
    });
    runtime = await createApiRuntime(config, { dynamoDbCredentials: DYNALITE_CREDENTIALS, routes: ['read'] });
    direct = serveApiGateway(runtime);
    // The way every other event takes: shaped, checked for what the adapter cannot read, then hono/aws-lambda.
    const handleRequest = handle(runtime.app);
    throughApp = async (event) => {
      const shaped = withResolvedPath(withoutReadBody(event));
      if (hasUnencodableQuery(shaped)) return unreadableEventResult(shaped, UNENCODABLE_QUERY);
      return withJsonErrorBody(await handleRequest(shaped, lambdaContext() as never));
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    // Fill the cache, so both ways below answer hits.
    for (const id of ['prod-0001', 'prod-0002', 'prod-9999', '.', '..']) {
      await direct(productRequestEvent(encodeURIComponent(id)) as never, lambdaContext());
    }
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await runtime.close();
    await dynamo.stop();
    await redis.stop();
  });

  it.each(EVENTS)('answers %s exactly as the app does', async (_label, event, taken) => {
    expect(directRead(withoutReadBody(event as never) as never) !== undefined).toBe(taken);
    const viaDirect = await direct(event as never, lambdaContext());
    const viaApp = await throughApp(event as never);
    expect(viaDirect).toEqual(viaApp);
  });

  it('answers generated batch events exactly as the app does (property-based)', async () => {
    const id = fc.oneof(
      fc.constantFrom('prod-0001', 'prod-0002', 'prod-9999', '.', ''),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
    );
    const idsValue = fc.array(id, { maxLength: 8 }).map((ids) => ids.join(','));
    const batchEvent = fc
      .record({
        values: fc.array(idsValue, { maxLength: 3 }),
        singleOnly: fc.boolean(),
        head: fc.boolean(),
        other: fc.option(fc.string({ maxLength: 6 }), { nil: undefined }),
      })
      .map(({ values, singleOnly, head, other }) => {
        const event = productsRequestEvent(values, head ? 'HEAD' : 'GET');
        const multi = { ...event.multiValueQueryStringParameters, ...(other ? { [other]: ['x'] } : {}) };
        return singleOnly
          ? { ...event, multiValueQueryStringParameters: null }
          : { ...event, multiValueQueryStringParameters: multi };
      });
    await fc.assert(
      fc.asyncProperty(batchEvent, async (event) => {
        await direct(event as never, lambdaContext()); // fills what it reads, so both ways below hit alike
        const viaDirect = await direct(event as never, lambdaContext());
        expect(viaDirect).toEqual(await throughApp(event as never));
      }),
      { numRuns: 150, seed: 20261127 },
    );
  });
});
