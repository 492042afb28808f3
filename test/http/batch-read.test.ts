import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sampleCatalog } from '../../src/local/sample-catalog.js';
import type { Product } from '../../src/products/product.js';
import {
  type StackBehindFaultProxy,
  startStackBehindFaultProxy,
} from '../support/stack-behind-fault-proxy.js';

const STACK_ENV = {
  DYNAMODB_TIMEOUT_MS: '300',
  DYNAMODB_MAX_ATTEMPTS: '2',
  CACHE_TTL_JITTER_PERCENT: '0',
  CACHE_EARLY_REFRESH_BETA: '0',
  CACHE_SOURCE_FAILURE_TTL_MS: '0',
};

/** GET /products over real HTTP, Redis and DynamoDB's wire protocol (BatchGetItem counted at the proxy). */
describe('GET /products (batch reads) over HTTP', () => {
  let parts: StackBehindFaultProxy;
  const catalog = sampleCatalog(120);
  const ids = (from: number, count: number) =>
    Array.from({ length: count }, (_, index) => catalog[from + index]?.productId as string);
  const get = async (query: string, method = 'GET') => {
    const response = await fetch(`${parts.stack.url}/products${query}`, { method });
    const text = await response.text();
    return {
      status: response.status,
      cache: response.headers.get('x-cache'),
      retryAfter: response.headers.get('retry-after'),
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
    };
  };
  const batchRequestsDuring = async <T>(action: () => Promise<T>) => {
    const before = parts.proxy.batchGetKeyCounts.length;
    const getItemsBefore = parts.proxy.getItemRequests.length;
    const result = await action();
    return {
      result,
      batches: parts.proxy.batchGetKeyCounts.slice(before),
      getItems: parts.proxy.getItemRequests.length - getItemsBefore,
    };
  };

  beforeAll(async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    parts = await startStackBehindFaultProxy(catalog, STACK_ENV);
  });

  afterEach(() => {
    parts.proxy.fault = 'none';
  });

  afterAll(async () => {
    await parts?.stop();
    vi.unstubAllEnvs();
  });

  it('answers found products in the order asked and lists missing ids, with one BatchGetItem, then from the cache', async () => {
    const [a, b, c] = ids(0, 3) as [string, string, string];
    const query = `?ids=${c},ghost-1,${a},${b}`;
    const first = await batchRequestsDuring(() => get(query));
    expect(first.result.status).toBe(200);
    expect(first.result.cache).toBe('MISS=4');
    const body = first.result.body as { products: Product[]; missing: string[]; failed: string[] };
    expect(body.products.map((product) => product.productId)).toEqual([c, a, b]);
    expect(body.missing).toEqual(['ghost-1']);
    expect(body.failed).toEqual([]);
    expect(first.batches).toEqual([4]);
    expect(first.getItems).toBe(0);

    const second = await batchRequestsDuring(() => get(query));
    expect(second.result).toMatchObject({ status: 200, cache: 'HIT=4', body });
    expect(second.batches).toEqual([]);
  });

  it('reads a hundred ids with one BatchGetItem, and a single read finds them cached', async () => {
    const hundred = ids(10, 100);
    const { result, batches } = await batchRequestsDuring(() => get(`?ids=${hundred.join(',')}`));
    expect(result.status).toBe(200);
    expect((result.body as { products: Product[] }).products).toHaveLength(100);
    expect(batches).toEqual([100]);
    const single = await fetch(`${parts.stack.url}/product/${hundred[42]}`);
    expect(single.headers.get('x-cache')).toBe('HIT');
  });

  it('takes repeated ids parameters and repeated ids, reading each id once', async () => {
    const [a, b] = ids(3, 2) as [string, string];
    const { result } = await batchRequestsDuring(() => get(`?ids=${a},${b}&ids=${a}`));
    expect(result.status).toBe(200);
    expect((result.body as { products: Product[] }).products.map((product) => product.productId)).toEqual([
      a,
      b,
    ]);
  });

  it('answers HEAD like GET, without a body', async () => {
    const [a] = ids(0, 1) as [string];
    expect(await get(`?ids=${a}`, 'HEAD')).toMatchObject({ status: 200, cache: 'HIT=1', body: undefined });
  });

  it.each([
    ['', /ids is required/],
    ['?ids=', /ids is required/],
    ['?ids=a,,b', /ids\[1\] "": productId is required/],
    ['?ids=ok,bad%7Bid', /ids\[1\] "bad\{id": productId may contain only/],
    [`?ids=${'x'.repeat(129)}`, /ids\[0\] "x{40}…": productId must be at most 128/],
    [
      `?ids=${Array.from({ length: 101 }, (_, index) => `id-${index}`).join(',')}`,
      /at most 100 products, not 101/,
    ],
  ])('answers 400 for the query %s', async (query, message) => {
    const { status, body } = await get(query);
    expect(status).toBe(400);
    expect((body as { message: string }).message).toMatch(message);
  });

  it('answers 503 with Retry-After when DynamoDB fails and nothing is cached', async () => {
    parts.proxy.fault = 'throttle';
    const answer = await get('?ids=prod-0115,prod-0116');
    expect(answer).toMatchObject({ status: 503, retryAfter: '1' });
  });

  it('answers 200 with the failed ids listed when DynamoDB fails for part of the batch', async () => {
    const [cached] = ids(0, 1) as [string];
    parts.proxy.fault = 'throttle';
    const answer = await get(`?ids=${cached},prod-0117`);
    expect(answer.status).toBe(200);
    expect(answer.cache).toBe('HIT=1');
    const body = answer.body as { products: Product[]; missing: string[]; failed: string[] };
    expect(body.products.map((product) => product.productId)).toEqual([cached]);
    expect(body).toMatchObject({ missing: [], failed: ['prod-0117'] });
  });
});
