import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sampleCatalog } from '../../src/local/sample-catalog.js';
import type { DynamoDbFaultProxy } from '../support/dynamodb-fault-proxy.js';
import type { TestRedisServer } from '../support/redis-harness.js';
import {
  type StackBehindFaultProxy,
  startStackBehindFaultProxy,
} from '../support/stack-behind-fault-proxy.js';

/** Faults caused for real under the HTTP API: a Redis that is killed or frozen, a DynamoDB that throttles. */
describe('the API under faults', () => {
  let parts: StackBehindFaultProxy;
  let redis: TestRedisServer;
  let proxy: DynamoDbFaultProxy;
  const get = (id: string) => fetch(`${parts.stack.url}/product/${id}`);

  beforeAll(async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    parts = await startStackBehindFaultProxy(sampleCatalog(20), {
      DYNAMODB_TIMEOUT_MS: '300',
      REDIS_COMMAND_TIMEOUT_MS: '500',
    });
    ({ redis, proxy } = parts);
  });

  afterAll(async () => {
    await parts?.stop();
    vi.unstubAllEnvs();
  });

  it('answers 503 JSON with Retry-After when DynamoDB throttles a miss, never a crash', async () => {
    proxy.fault = 'throttle';
    const response = await get('prod-0001');
    proxy.fault = 'none';
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(((await response.json()) as { message: string }).message).toMatch(/temporarily unavailable/);
    // The failure is remembered for CACHE_SOURCE_FAILURE_TTL_MS (1 s); then the next read asks again.
    await vi.waitFor(async () => expect((await get('prod-0001')).status).toBe(200), {
      timeout: 3_000,
      interval: 100,
    });
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
