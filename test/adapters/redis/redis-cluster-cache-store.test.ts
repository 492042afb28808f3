import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemKeys } from '../../../src/core/cache-keys.js';
import {
  openRedisStore,
  realElapse,
  startTestRedisCluster,
  type TestRedisCluster,
} from '../../support/redis-harness.js';
import { describeCacheStoreContract } from '../cache-store-contract.js';

let cluster: TestRedisCluster;

beforeAll(async () => {
  cluster = await startTestRedisCluster();
});

afterAll(async () => {
  await cluster?.stop();
});

describeCacheStoreContract('Redis cluster (3 masters)', async () => ({
  store: await openRedisStore(cluster.url, 'cluster'),
  elapse: realElapse,
  now: () => Date.now(),
}));

describe('RedisCacheStore on a cluster', () => {
  it('spreads items over every master and keeps entry, lease and fence of an item on one', async () => {
    const store = await openRedisStore(cluster.url, 'cluster');
    const ids = Array.from({ length: 60 }, (_, index) => `spread-${index}`);
    const lease = { token: 't', leaseTtlMs: 60_000, staleAtMs: Date.now() };
    await Promise.all(ids.map((id) => store.acquire(itemKeys('spread', id), lease)));
    await store.invalidate(itemKeys('spread', 'spread-0'), { version: 1, fenceTtlMs: 60_000 });
    await store.acquire(itemKeys('spread', 'spread-0'), lease);
    await Promise.all(
      ids.map((id) =>
        store.fill(itemKeys('spread', id), { token: 't', entry: id, ttlMs: 60_000, version: undefined }),
      ),
    );
    await store.acquire(itemKeys('spread', 'spread-0'), lease);
    await store.close();

    const owners = await Promise.all(
      cluster.nodes.map(async (node) => {
        const direct = new Redis(node.port, '127.0.0.1');
        try {
          const keys = await direct.keys('spread:*');
          return new Set(keys);
        } finally {
          direct.disconnect();
        }
      }),
    );
    for (const keys of owners) expect(keys.size).toBeGreaterThan(0);
    const ownerOfEntry = owners.find((keys) => keys.has('spread:p:{spread-0}'));
    expect(ownerOfEntry?.has('spread:l:{spread-0}')).toBe(true);
    expect(ownerOfEntry?.has('spread:f:{spread-0}')).toBe(true);
  });
});
