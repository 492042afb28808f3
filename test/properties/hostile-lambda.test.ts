import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sampleCatalog } from '../../src/local/sample-catalog.js';
import {
  productRequestEvent,
  productsRequestEvent,
  productWriteEvent,
} from '../fixtures/api-gateway-rest-event.js';
import {
  contentType,
  deeplyNested,
  ETAG_VALUES,
  entityTagHeader,
  productJson,
} from '../support/hostile-values.js';
import { lambdaContext } from '../support/lambda-context.js';
import { captureEmf, stubLambdaEnvironment } from '../support/lambda-environment.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../support/local-dynamodb.js';
import { startTestRedis, type TestRedisServer } from '../support/redis-harness.js';

type Handler = (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;

/** Fixed so that a failure is reproducible; fast-check prints the seed and counterexample path on failure. */
const SEED = 20_261_127;
const RUNS_PER_HANDLER = 600;
const INVOCATION_BOUND_MS = 5_000;

const METHODS = ['GET', 'HEAD', 'PUT', 'DELETE', 'POST', 'PATCH', 'OPTIONS'] as const;
const ODD_METHODS = [
  'get',
  'put',
  'CONNECT',
  'TRACE',
  'PROPFIND',
  '',
  ' ',
  'G E T',
  'GET\r\n',
  'ÄÖÜ',
  'M'.repeat(300),
];

const method = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...METHODS) },
  { weight: 6, arbitrary: fc.constantFrom('GET', 'PUT', 'PUT', 'DELETE') },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_METHODS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

const ODD_IDS = [
  '',
  '.',
  '..',
  '%2E',
  '%2e%2E',
  '{productId}',
  '{productId+}',
  'a:b',
  ':',
  '%',
  '%%',
  '%E0%A4%A',
  '%00',
  '%2F',
  'a%2Fb',
  '../../etc/passwd',
  'prod-0001',
  'prod-0001/extra',
  'caf%C3%A9',
  'x'.repeat(128),
  'x'.repeat(129),
  'y'.repeat(20_000),
  '\u0000',
  '\ud800',
  '😀',
];

/** The id as the client typed it (it goes into `path` unchanged). */
const rawId = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ODD_IDS) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.webSegment() },
  { weight: 1, arbitrary: fc.stringMatching(/^[\w%.:{}+-]{1,30}$/) },
  { weight: 6, arbitrary: fc.constantFrom('prod-0001', 'prod-0002', 'fuzz-1', 'fuzz-2') },
);

function decodedOrRaw(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

type PathParameterChoice =
  | { kind: 'decoded' }
  | { kind: 'value'; value: string }
  | { kind: 'null' }
  | { kind: 'empty' };
const pathParameterChoice: fc.Arbitrary<PathParameterChoice> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ kind: 'decoded' as const }) },
  {
    weight: 2,
    arbitrary: fc
      .string({ unit: 'grapheme', maxLength: 200 })
      .map((value) => ({ kind: 'value' as const, value })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'null' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'empty' as const }) },
);

const pathChoice = fc.oneof(
  { weight: 6, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.webPath() },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '/',
      '',
      '/product',
      '/product/',
      '//product//x',
      '/product/./x',
      '/a/../product/x',
    ),
  },
);

/** Lambda events carry any string: a tab too, which an HTTP client would trim. */
const ETAG_VALUES_WITH_TAB = [...ETAG_VALUES.slice(0, -1), '\t', ...ETAG_VALUES.slice(-1)];

const headerValue = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 40 }) },
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', 'a\r\nb', '\u0000', 'v'.repeat(100_000)),
);
const headerName = fc.oneof(
  { weight: 8, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  fc.constantFrom(
    'X-Odd',
    'x-odd',
    'Content-Length',
    'Transfer-Encoding',
    'Host',
    '',
    ' ',
    'bad name',
    'a:b',
    'é',
    'X-\u0000',
  ),
);

const headers = fc.record(
  {
    contentType,
    ifMatch: entityTagHeader(ETAG_VALUES_WITH_TAB),
    ifNoneMatch: entityTagHeader(ETAG_VALUES_WITH_TAB),
    extra: fc.array(fc.tuple(headerName, headerValue), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

const bodyText = fc.oneof(
  { weight: 2, arbitrary: fc.constant(null) },
  {
    weight: 5,
    arbitrary: productJson,
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 100 }) },
  { weight: 3, arbitrary: fc.json({ maxDepth: 4 }) },
  {
    weight: 2,
    arbitrary: fc
      .jsonValue({ maxDepth: 3 })
      .map((value) => JSON.stringify({ name: 'x', price: 1, extra: value })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ name: fc.anything(), price: fc.anything() })
      .map((v) => JSON.stringify(v) ?? 'null'),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      deeplyNested(5_000),
      `{"name":"x","price":1,"d":${deeplyNested(100_000)}}`,
      JSON.stringify({ name: 'n'.repeat(2_000_000), price: 1 }),
      '{"name":"x","price":1e400}',
      '{"name":"x","price":1,"__proto__":{"polluted":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '\uFEFF{"name":"x","price":1}',
      '{"name":"x",',
      'null',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
);

/** How the body travels: as text, base64 of it (valid), or the text marked base64 (usually invalid). */
const bodyEncoding = fc.oneof(
  { weight: 6, arbitrary: fc.constant('plain' as const) },
  { weight: 3, arbitrary: fc.constant('base64' as const) },
  { weight: 1, arbitrary: fc.constantFrom('marked-base64' as const, 'base64-garbage' as const) },
);

const query = fc.oneof(
  fc.constant(null),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ unit: 'grapheme', maxLength: 20 }), { maxKeys: 4 }),
);

const hostileEvent = fc
  .record({
    method: method,
    rawId: rawId,
    pathParameter: pathParameterChoice,
    path: pathChoice,
    headers: headers,
    dropContentType: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))),
    multiValueHeadersNull: fc.boolean(),
    body: bodyText,
    encoding: bodyEncoding,
    query: query,
    resourceMissing: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    // A batch read (`/products`): its `ids` values, each a comma-joined list of generated ids; null: none.
    batchIds: fc.option(
      fc.array(
        fc.array(rawId, { maxLength: 12 }).map((ids) => ids.join(',')),
        { maxLength: 3 },
      ),
      {
        freq: 4,
      },
    ),
  })
  .map((parts): APIGatewayProxyEvent => {
    const writeLike = parts.method === 'PUT' || parts.method === 'DELETE';
    const base = writeLike
      ? productWriteEvent('x', parts.method as 'PUT' | 'DELETE')
      : productRequestEvent('x');
    const path = parts.path ?? `/product/${parts.rawId}`;
    const eventHeaders: Record<string, string> = { ...(base.headers as Record<string, string>) };
    if (parts.headers.contentType !== undefined && !parts.dropContentType) {
      eventHeaders['Content-Type'] = parts.headers.contentType;
    }
    if (parts.headers.ifMatch !== undefined) eventHeaders['If-Match'] = parts.headers.ifMatch;
    if (parts.headers.ifNoneMatch !== undefined) eventHeaders['If-None-Match'] = parts.headers.ifNoneMatch;
    for (const [name, value] of parts.headers.extra ?? []) eventHeaders[name] = value;

    let pathParameters: APIGatewayProxyEvent['pathParameters'];
    switch (parts.pathParameter.kind) {
      case 'decoded':
        pathParameters = { productId: decodedOrRaw(parts.rawId) };
        break;
      case 'value':
        pathParameters = { productId: parts.pathParameter.value };
        break;
      case 'null':
        pathParameters = null;
        break;
      case 'empty':
        pathParameters = {};
        break;
    }

    let body = parts.body;
    let isBase64Encoded = false;
    if (body !== null) {
      if (parts.encoding === 'base64') {
        body = Buffer.from(body, 'utf8').toString('base64');
        isBase64Encoded = true;
      } else if (parts.encoding === 'marked-base64') {
        isBase64Encoded = true;
      } else if (parts.encoding === 'base64-garbage') {
        body = `${Buffer.from(body, 'utf8').toString('base64')}*=%`;
        isBase64Encoded = true;
      }
    }

    const multiQuery = parts.query
      ? Object.fromEntries(Object.entries(parts.query).map(([name, value]) => [name, [value, `${value}2`]]))
      : null;
    const batch = parts.batchIds === null ? undefined : productsRequestEvent(parts.batchIds);
    const query = batch ? { ...parts.query, ...batch.queryStringParameters } : parts.query;
    const multiValueQuery = batch ? { ...multiQuery, ...batch.multiValueQueryStringParameters } : multiQuery;
    return {
      ...base,
      ...(batch ? { resource: batch.resource } : {}),
      ...(parts.resourceMissing ? { resource: '' } : {}),
      httpMethod: parts.method,
      path: batch && parts.path === null ? batch.path : path,
      headers: eventHeaders,
      multiValueHeaders: parts.multiValueHeadersNull
        ? (null as unknown as APIGatewayProxyEvent['multiValueHeaders'])
        : Object.fromEntries(Object.entries(eventHeaders).map(([name, value]) => [name, [value]])),
      pathParameters: batch ? null : pathParameters,
      queryStringParameters: query,
      multiValueQueryStringParameters: multiValueQuery,
      requestContext: { ...base.requestContext, httpMethod: parts.method, path: `/prod${path}` },
      body,
      isBase64Encoded,
    };
  });

async function withinBound<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${INVOCATION_BOUND_MS} ms`)),
      INVOCATION_BOUND_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function header(response: APIGatewayProxyResult, name: string): string | undefined {
  const multi = response.multiValueHeaders?.[name];
  return multi ? multi.join(', ') : response.headers?.[name]?.toString();
}

/** The property every answer must have: no 5xx, and a JSON `message` on every 4xx. */
function assertWellFormed(method: string, response: APIGatewayProxyResult): void {
  expect(typeof response.statusCode).toBe('number');
  expect(response.statusCode).toBeLessThan(500);
  // A HEAD answer has no body (API Gateway would drop one); its content type still says JSON.
  if (response.statusCode >= 400 && method === 'HEAD') {
    expect(header(response, 'content-type')).toMatch(/^application\/json/);
  } else if (response.statusCode >= 400) {
    expect(header(response, 'content-type')).toMatch(/^application\/json/);
    const parsed = JSON.parse(response.body) as { message?: unknown };
    expect(typeof parsed.message).toBe('string');
  }
}

describe('hostile API Gateway REST proxy events (property-based)', () => {
  let redis: TestRedisServer;
  let dynamo: LocalDynamoDb;
  let api: Handler;
  let writer: Handler;

  beforeAll(async () => {
    redis = await startTestRedis();
    dynamo = await startLocalDynamoDb('Products', sampleCatalog(2));
    stubLambdaEnvironment({ redisUrl: redis.url, dynamoDbEndpoint: dynamo.server.endpoint });
    vi.stubEnv('LOG_LEVEL', 'SILENT');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    captureEmf();
    // The adapter logs each event it cannot read; the property checks the answer.
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    ({ handler: api } = (await import('../../src/lambda/api.js')) as { handler: Handler });
    ({ handler: writer } = (await import('../../src/lambda/writer.js')) as { handler: Handler });
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    await dynamo.stop();
    await redis.stop();
  });

  // Regression examples the properties found.
  it.each([
    ['an invalid header name', { 'a:b': 'x' }],
    ['a header name with a space', { 'bad name': 'x' }],
    ['a header value with a NUL', { 'X-Odd': 'a\u0000b' }],
  ])(
    "answers 400 with a JSON message, not the adapter's bare text, to an event with %s",
    async (_label, extra) => {
      const base = productRequestEvent('prod-0001');
      const eventHeaders = { ...(base.headers as Record<string, string>), ...extra };
      const event = {
        ...base,
        headers: eventHeaders,
        multiValueHeaders: Object.fromEntries(
          Object.entries(eventHeaders).map(([name, value]) => [name, [value]]),
        ),
      };
      for (const handler of [api, writer]) {
        const response = await handler(event, lambdaContext());
        expect(response.statusCode).toBe(400);
        expect(header(response, 'content-type')).toBe('application/json');
        expect(JSON.parse(response.body).message).toMatch(/could not be read/);
      }
    },
  );

  it.each([
    ['a batch read', productsRequestEvent(['prod-0001,\ud800'])],
    ['a batch read without a resource', { ...productsRequestEvent(['\ud800']), resource: '' }],
    [
      'a product read, in a parameter name',
      {
        ...productRequestEvent('prod-0001'),
        queryStringParameters: { 'q\udc00': 'x' },
        multiValueQueryStringParameters: null,
      },
    ],
    [
      'a write',
      {
        ...productWriteEvent('prod-0001', 'DELETE'),
        queryStringParameters: { q: '\ud800' },
        multiValueQueryStringParameters: { q: ['\ud800'] },
      },
    ],
  ])(
    "answers 400 with a JSON message, not the adapter's bare-text 500, to a lone surrogate in the query of %s",
    async (_label, event) => {
      for (const handler of [api, writer]) {
        const response = await handler(event, lambdaContext());
        expect(response.statusCode).toBe(400);
        expect(header(response, 'content-type')).toBe('application/json');
        expect(JSON.parse(response.body).message).toMatch(/query parameter is not valid Unicode/);
      }
    },
  );

  it("answers 400 with a JSON message, not the adapter's bare text, to a method the Fetch API forbids", async () => {
    for (const method of ['TRACE', 'CONNECT', 'G E T', '']) {
      const response = await api(productRequestEvent('prod-0001', method), lambdaContext());
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body).message).toEqual(expect.any(String));
    }
  });

  it('answers a path parameter holding a lone surrogate with 400, instead of throwing (a failed invocation)', async () => {
    const pathParameters = { productId: 'a\ud800' };
    const read = { ...productRequestEvent('x'), pathParameters };
    const remove = { ...productWriteEvent('x', 'DELETE'), pathParameters };
    for (const [handler, event] of [
      [api, read],
      [writer, remove],
    ] as const) {
      const response = await handler(event, lambdaContext());
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body).message).toMatch(/productId/);
    }
  });

  it.each([
    ['api', () => api, 'aside-api'],
    ['writer', () => writer, 'aside-writer'],
  ] as const)(
    'the %s handler answers every generated event without a 5xx, within the bound, with a JSON message on 4xx',
    async (_name, handler, functionName) => {
      await fc.assert(
        fc.asyncProperty(hostileEvent, async (event) => {
          const response = await withinBound(handler()(event, lambdaContext(functionName)));
          assertWellFormed(event.httpMethod, response);
        }),
        { numRuns: RUNS_PER_HANDLER, seed: SEED },
      );
    },
    120_000,
  );
});
