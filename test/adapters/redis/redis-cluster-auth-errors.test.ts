import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BreakerCacheStore } from '../../../src/adapters/breaker/breaker-cache-store.js';
import { createRedisClient } from '../../../src/adapters/redis/create-redis-client.js';
import { RedisCacheStore } from '../../../src/adapters/redis/redis-cache-store.js';
import { CacheStoreError } from '../../../src/core/cache-store-error.js';
import {
  realElapse,
  startTestRedisCluster,
  TEST_CONNECT_TIMEOUT_MS,
  type TestRedisCluster,
  type TestRedisServer,
} from '../../support/redis-harness.js';

const TOKEN = 'cluster-token-0123456789';
const COMMAND_TIMEOUT_MS = 150;
const FAILURE_THRESHOLD = 3;
const RECOVERY_DEADLINE_MS = 10_000;

/** Keys whose slot `node` serves, per CLUSTER SLOTS and CLUSTER KEYSLOT. */
async function keysServedBy(node: TestRedisServer, admin: Redis, count: number): Promise<string[]> {
  const ranges = (await admin.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
  const keys: string[] = [];
  for (let index = 0; keys.length < count; index++) {
    const key = `auth-errors:${index}`;
    const slot = Number(await admin.call('CLUSTER', 'KEYSLOT', key));
    const owner = ranges.find(([first, last]) => first <= slot && slot <= last)?.[2][1];
    if (owner === node.port) keys.push(key);
  }
  return keys;
}

async function rejectionOf(call: Promise<unknown>): Promise<CacheStoreError> {
  const error = await call.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(CacheStoreError);
  return error as CacheStoreError;
}

describe('Redis cluster: credentials refused by a node (real cluster)', () => {
  let cluster: TestRedisCluster;
  let admins: Redis[];

  beforeAll(async () => {
    cluster = await startTestRedisCluster();
    admins = cluster.nodes.map((node) => new Redis(node.port, '127.0.0.1', { maxRetriesPerRequest: 1 }));
    for (const admin of admins) await admin.call('ACL', 'SETUSER', 'default', 'resetpass', `>${TOKEN}`);
  });

  afterAll(async () => {
    for (const admin of admins) admin.disconnect();
    await cluster.stop();
  });

  function clusterStore(authToken: string) {
    const client = createRedisClient({
      url: cluster.url,
      mode: 'cluster',
      connectTimeoutMs: TEST_CONNECT_TIMEOUT_MS,
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
      authToken,
    });
    if (!(client instanceof Cluster)) throw new Error('expected a cluster client');
    return { client, store: new RedisCacheStore(client) };
  }

  it('reports a cold start with refused credentials as AUTH_FAILED, not as unreachable', async () => {
    const { store } = clusterStore('not-the-token-0123');
    try {
      const error = await rejectionOf(store.connect(5_000));
      expect(error.code).toBe('CACHE_STORE_AUTH_FAILED');
      expect(error.message).toContain('WRONGPASS');
    } finally {
      await store.close();
    }
  });

  it('times out, and opens the breaker, on a frozen node that once refused the credentials and has reconnected since', async () => {
    const { client, store } = clusterStore(TOKEN);
    const nodeErrors: string[] = [];
    client.on('node error', (error: Error, node: string) => nodeErrors.push(`${node} ${error.message}`));
    const breaker = new BreakerCacheStore(
      store,
      { failureThreshold: FAILURE_THRESHOLD, cooldownMs: 60_000 },
      { onOpen: () => undefined, onClose: () => undefined, onReject: () => undefined },
    );
    const target = cluster.nodes[1] as TestRedisServer;
    const targetAdmin = admins[1] as Redis;
    try {
      await store.connect(5_000);
      const keys = await keysServedBy(target, targetAdmin, FAILURE_THRESHOLD + 2);
      for (const key of keys) expect(await store.get(key)).toBeNull();

      // The node refuses the token once (a rotation step, an ACL reload), then accepts it again.
      await targetAdmin.call('ACL', 'SETUSER', 'default', 'resetpass', '>another-token-0123');
      await targetAdmin.call('CLIENT', 'KILL', 'TYPE', 'normal');
      const refusedNode = `127.0.0.1:${target.port}`;
      const deadline = Date.now() + RECOVERY_DEADLINE_MS;
      while (!nodeErrors.some((error) => error.startsWith(refusedNode) && error.includes('WRONGPASS'))) {
        expect(Date.now()).toBeLessThan(deadline);
        await realElapse(10);
      }
      // No calls meanwhile: their failures would add errors of other kinds.
      await targetAdmin.call('ACL', 'SETUSER', 'default', 'resetpass', `>${TOKEN}`);
      const targetConnection = () => client.nodes('master').find((node) => node.options.port === target.port);
      while (targetConnection()?.status !== 'ready') {
        expect(Date.now()).toBeLessThan(deadline);
        await realElapse(10);
      }
      expect(store.credentialsRefused).toBe(false);
      expect(await store.get(keys[0] as string)).toBeNull();

      // Now the node hangs: every call times out, and the breaker counts it as the outage it is.
      target.freeze();
      const failures: string[] = [];
      for (const key of keys) failures.push((await rejectionOf(breaker.get(key))).code);
      expect(failures.slice(0, FAILURE_THRESHOLD)).toEqual(
        Array.from({ length: FAILURE_THRESHOLD }, () => 'CACHE_STORE_TIMEOUT'),
      );
      expect(breaker.state).toBe('open');
      expect(failures.slice(FAILURE_THRESHOLD)).toEqual([
        'CACHE_STORE_UNAVAILABLE',
        'CACHE_STORE_UNAVAILABLE',
      ]);
    } finally {
      target.thaw();
      await store.close();
    }
  });
});
