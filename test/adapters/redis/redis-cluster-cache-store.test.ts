import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
}));

describe('RedisCacheStore on a cluster', () => {
  it('spreads entries over every master and keeps an entry with its hash-tag siblings', async () => {
    const store = await openRedisStore(cluster.url, 'cluster');
    const ids = Array.from({ length: 60 }, (_, index) => `spread-${index}`);
    await Promise.all(ids.map((id) => store.set(`spread:p:{${id}}`, id, 60_000)));
    await store.set('spread:lease:{spread-0}', 'lease', 60_000);
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
    expect(ownerOfEntry?.has('spread:lease:{spread-0}')).toBe(true);
  });
});
