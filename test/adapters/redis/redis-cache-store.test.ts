import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemKeys } from '../../../src/core/cache-keys.js';
import {
  openRedisStore,
  realElapse,
  startTestRedis,
  type TestRedisServer,
} from '../../support/redis-harness.js';
import { describeCacheStoreContract } from '../cache-store-contract.js';

let server: TestRedisServer;

beforeAll(async () => {
  server = await startTestRedis();
});

afterAll(async () => {
  await server?.stop();
});

describeCacheStoreContract('Redis standalone', async () => ({
  store: await openRedisStore(server.url),
  elapse: realElapse,
  now: () => Date.now(),
}));

describe('RedisCacheStore scripts', () => {
  const calls = async (admin: Redis) => {
    const stats = await admin.info('commandstats');
    const count = (command: string) =>
      Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
    return { eval: count('eval'), evalsha: count('evalsha') };
  };

  it('sends each script once per connection, runs it by EVALSHA after, and reloads it after SCRIPT FLUSH', async () => {
    const admin = new Redis(server.port, '127.0.0.1');
    const store = await openRedisStore(server.url);
    try {
      await admin.config('RESETSTAT');
      const lease = { token: 't', leaseTtlMs: 60_000, staleAtMs: Date.now() };
      for (let i = 0; i < 5; i++) await store.acquire(itemKeys('scripts', `a${i}`), lease);
      expect(await calls(admin)).toEqual({ eval: 1, evalsha: 4 });

      await admin.script('FLUSH');
      expect((await store.acquire(itemKeys('scripts', 'after-flush'), lease)).granted).toBe(true);
      // One EVALSHA answered NOSCRIPT, then the script was sent again with EVAL.
      expect(await calls(admin)).toEqual({ eval: 2, evalsha: 5 });
    } finally {
      await store.close();
      admin.disconnect();
    }
  });
});
