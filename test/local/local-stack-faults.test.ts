import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalStack, startLocalStack } from '../../src/local/local-stack.js';
import { sampleCatalog } from '../../src/local/sample-catalog.js';
import { type DynamoDbFaultProxy, startDynamoDbFaultProxy } from '../support/dynamodb-fault-proxy.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../support/local-dynamodb.js';
import { startTestRedis, type TestRedisServer } from '../support/redis-harness.js';

/** Faults caused for real under the HTTP API: a Redis that is killed or frozen, a DynamoDB that throttles. */
describe('the API under faults', () => {
  let redis: TestRedisServer;
  let dynamo: LocalDynamoDb;
  let proxy: DynamoDbFaultProxy;
  let stack: LocalStack;
  const get = (id: string) => fetch(`${stack.url}/product/${id}`);

  beforeAll(async () => {
    redis = await startTestRedis();
    dynamo = await startLocalDynamoDb('Products', sampleCatalog(20));
    proxy = await startDynamoDbFaultProxy(dynamo.server.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    stack = await startLocalStack({
      PORT: '0',
      LOG_LEVEL: 'SILENT',
      TABLE_NAME: 'Products',
      DYNAMODB_ENDPOINT: proxy.endpoint,
      DYNAMODB_TIMEOUT_MS: '300',
      REDIS_URL: redis.url,
      REDIS_COMMAND_TIMEOUT_MS: '500',
    });
  });

  afterAll(async () => {
    await stack.stop();
    await proxy.stop();
    await dynamo.stop();
    await redis.stop();
    vi.unstubAllEnvs();
  });

  it('answers 503 JSON with Retry-After when DynamoDB throttles a miss, never a crash', async () => {
    proxy.fault = 'throttle';
    const response = await get('prod-0001');
    proxy.fault = 'none';
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(((await response.json()) as { message: string }).message).toMatch(/temporarily unavailable/);
    expect((await get('prod-0001')).status).toBe(200);
  });

  it('keeps serving hits from Redis while DynamoDB is throttling', async () => {
    await get('prod-0002');
    proxy.fault = 'throttle';
    const response = await get('prod-0002');
    proxy.fault = 'none';
    expect(response.status).toBe(200);
    expect(response.headers.get('x-cache')).toBe('HIT');
  });

  it('bypasses a frozen Redis within its command timeout, then uses it again once it answers', async () => {
    await get('prod-0003');
    redis.freeze();
    try {
      const started = Date.now();
      const response = await get('prod-0003');
      expect(response.status).toBe(200);
      expect(response.headers.get('x-cache')).toBe('BYPASS');
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      redis.thaw();
    }
    await vi.waitFor(async () => expect((await get('prod-0003')).headers.get('x-cache')).toBe('HIT'), {
      timeout: 5_000,
      interval: 100,
    });
  });

  it('bypasses a killed Redis, and fills the cache again once Redis is back', async () => {
    await redis.kill();
    const response = await get('prod-0004');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-cache')).toBe('BYPASS');
    await redis.restart();
    await vi.waitFor(async () => expect((await get('prod-0004')).headers.get('x-cache')).toBe('MISS'), {
      timeout: 5_000,
      interval: 100,
    });
    expect((await get('prod-0004')).headers.get('x-cache')).toBe('HIT');
  });
});
