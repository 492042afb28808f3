import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { sampleCatalog } from '../../src/local/sample-catalog.js';
import type { Product } from '../../src/products/product.js';
import type { DynamoDbFaultProxy } from '../support/dynamodb-fault-proxy.js';
import type { LocalDynamoDb } from '../support/local-dynamodb.js';
import type { TestRedisServer } from '../support/redis-harness.js';
import {
  type StackBehindFaultProxy,
  startStackBehindFaultProxy,
} from '../support/stack-behind-fault-proxy.js';

const SOFT_TTL_MS = 1_000;
const PAST_SOFT_TTL_MS = SOFT_TTL_MS + 200;
const DYNAMODB_TIMEOUT_MS = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The read protocol over real HTTP, real Redis and DynamoDB's wire protocol, with DynamoDB reads
 * counted at the wire: negative caching, stale-while-revalidate, fail-safe, corrupt entries.
 */
const STACK_ENV = {
  DYNAMODB_TIMEOUT_MS: String(DYNAMODB_TIMEOUT_MS),
  REDIS_COMMAND_TIMEOUT_MS: '1000',
  CACHE_TTL_SECONDS: String(SOFT_TTL_MS / 1000),
  CACHE_TTL_JITTER_PERCENT: '0',
  CACHE_NEGATIVE_TTL_SECONDS: '30',
  CACHE_EARLY_REFRESH_BETA: '0',
};
/** What the stack derives from STACK_ENV: a lease outlives a load with all its attempts, and a fill. */
const LEASE_TTL_MS = loadConfig(STACK_ENV).cache.policy.leaseTtlMs;

describe('the read protocol over HTTP', () => {
  let parts: StackBehindFaultProxy;
  let redis: TestRedisServer;
  let dynamo: LocalDynamoDb;
  let proxy: DynamoDbFaultProxy;
  const catalog = sampleCatalog(20);
  const get = async (id: string) => {
    const response = await fetch(`${parts.stack.url}/product/${id}`);
    return {
      status: response.status,
      cache: response.headers.get('x-cache'),
      body: (await response.json()) as unknown,
    };
  };

  beforeAll(async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    parts = await startStackBehindFaultProxy(catalog, STACK_ENV);
    ({ redis, dynamo, proxy } = parts);
  });

  afterAll(async () => {
    await parts?.stop();
    vi.unstubAllEnvs();
  });

  it('caches a "not found": the repeated 404 is a HIT and reads nothing from DynamoDB', async () => {
    expect(await get('prod-missing')).toEqual({
      status: 404,
      cache: 'MISS',
      body: { message: 'Product not found' },
    });
    expect(proxy.getItemReads('prod-missing')).toBe(1);
    for (let i = 0; i < 5; i++) {
      expect(await get('prod-missing')).toEqual({
        status: 404,
        cache: 'HIT',
        body: { message: 'Product not found' },
      });
    }
    expect(proxy.getItemReads('prod-missing')).toBe(1);
  });

  it('refreshes an entry past its soft TTL inline, with what the table holds now', async () => {
    const original = catalog[1] as Product;
    expect((await get(original.productId)).cache).toBe('MISS');
    const renamed = { ...original, name: `${original.name} (renamed)`, version: original.version + 1 };
    await dynamo.documents.send(new PutCommand({ TableName: 'Products', Item: renamed }));
    expect(await get(original.productId)).toMatchObject({ cache: 'HIT', body: original });
    await sleep(PAST_SOFT_TTL_MS);
    expect(await get(original.productId)).toMatchObject({ status: 200, cache: 'MISS', body: renamed });
    expect(await get(original.productId)).toMatchObject({ cache: 'HIT', body: renamed });
  });

  it('serves the stale entry at once to everyone while the refreshing request waits on DynamoDB', async () => {
    const product = catalog[2] as Product;
    await get(product.productId);
    await sleep(PAST_SOFT_TTL_MS);
    proxy.fault = 'hang';
    try {
      const finished: string[] = [];
      const refresher = get(product.productId).then((answer) => {
        finished.push('refresher');
        return answer;
      });
      await sleep(50);
      const others = await Promise.all([get(product.productId), get(product.productId)]);
      finished.push('others');
      expect(others).toEqual([
        { status: 200, cache: 'STALE', body: product },
        { status: 200, cache: 'STALE', body: product },
      ]);
      // The refresher holds the lease until DynamoDB times out, then serves stale too (fail-safe).
      expect(await refresher).toEqual({ status: 200, cache: 'STALE', body: product });
      expect(finished).toEqual(['others', 'refresher']);
    } finally {
      proxy.fault = 'none';
    }
  });

  it('serves the stale entry when DynamoDB throttles, and refreshes once it recovers', async () => {
    const product = catalog[3] as Product;
    await get(product.productId);
    await sleep(PAST_SOFT_TTL_MS);
    proxy.fault = 'throttle';
    try {
      expect(await get(product.productId)).toEqual({ status: 200, cache: 'STALE', body: product });
    } finally {
      proxy.fault = 'none';
    }
    // The failed refresher's lease keeps others from retrying at once, serving STALE, until it lapses.
    expect((await get(product.productId)).cache).toBe('STALE');
    await sleep(LEASE_TTL_MS + 100);
    expect((await get(product.productId)).cache).toBe('MISS');
    expect((await get(product.productId)).cache).toBe('HIT');
  });

  it('reads a foreign value under its key as a miss and replaces it', async () => {
    const product = catalog[4] as Product;
    const raw = new Redis(redis.port, '127.0.0.1');
    try {
      await raw.set(`aside:p:{${product.productId}}`, '{"name":"not ours"}', 'PX', 60_000);
      expect(await get(product.productId)).toEqual({ status: 200, cache: 'MISS', body: product });
      expect(await get(product.productId)).toMatchObject({ cache: 'HIT', body: product });
      expect(await raw.get(`aside:p:{${product.productId}}`)).toMatch(/^\{"f":1,/);
    } finally {
      raw.disconnect();
    }
  });
});
