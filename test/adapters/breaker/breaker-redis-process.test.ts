import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BreakerCacheStore } from '../../../src/adapters/breaker/breaker-cache-store.js';
import { createRedisClient, type RedisClient } from '../../../src/adapters/redis/create-redis-client.js';
import { RedisCacheStore } from '../../../src/adapters/redis/redis-cache-store.js';
import { partitionByServingNode, servingNode } from '../../../src/adapters/redis/serving-node.js';
import { CacheAside } from '../../../src/core/cache-aside.js';
import { itemKeys } from '../../../src/core/cache-keys.js';
import { DEFAULT_CACHE_POLICY } from '../../../src/core/cache-policy.js';
import { CacheStoreError } from '../../../src/core/cache-store-error.js';
import { RecordingSource } from '../../support/recording-source.js';
import {
  openRedisStore,
  realElapse,
  startTestRedis,
  startTestRedisCluster,
  TEST_CONNECT_TIMEOUT_MS,
  type TestRedisCluster,
  type TestRedisServer,
} from '../../support/redis-harness.js';

// Long enough that "well under the command timeout" means something on a busy 2-core machine.
const COMMAND_TIMEOUT_MS = 400;
const SETTINGS = { failureThreshold: 3, cooldownMs: 1_000 };
/** A refused call is one rejected promise; this leaves room for a loaded event loop. */
const FAST_REJECT_BOUND_MS = COMMAND_TIMEOUT_MS / 4;
const RECOVERY_DEADLINE_MS = 8_000;

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

describe('BreakerCacheStore around a real redis-server', () => {
  let server: TestRedisServer;
  let redis: RedisCacheStore;
  let store: BreakerCacheStore;
  let engine: CacheAside<string>;
  const events: string[] = [];

  beforeAll(async () => {
    server = await startTestRedis();
    redis = await openRedisStore(server.url, 'standalone', { commandTimeoutMs: COMMAND_TIMEOUT_MS });
    store = new BreakerCacheStore(redis, SETTINGS, {
      onOpen: () => events.push('open'),
      onClose: () => events.push('close'),
      onReject: () => events.push('reject'),
    });
    const source = new RecordingSource<string>();
    source.put('p1', 'one');
    // No early refresh, so every read of a fresh entry is exactly one GET.
    const policy = { ...DEFAULT_CACHE_POLICY, earlyRefreshBeta: 0 };
    engine = new CacheAside({ store, source, keyPrefix: 'breaker', policy });
  });

  afterAll(async () => {
    server?.thaw();
    await store?.close();
    await server?.stop();
  });

  it('opens on a frozen server, bypasses at once while open, and closes on its own after a thaw', async () => {
    expect((await engine.get('p1')).outcome).toBe('MISS');
    expect((await engine.get('p1')).outcome).toBe('HIT');

    server.freeze();
    for (let i = 0; i < SETTINGS.failureThreshold; i++) {
      expect((await engine.get('p1')).outcome).toBe('BYPASS');
    }
    expect(store.state).toBe('open');
    expect(events).toEqual(['open']);

    const refused = await timed(() => store.get('breaker:p:{p1}').catch((error: unknown) => error));
    expect(refused.result).toBeInstanceOf(CacheStoreError);
    expect((refused.result as CacheStoreError).code).toBe('CACHE_STORE_UNAVAILABLE');
    expect(refused.ms).toBeLessThan(FAST_REJECT_BOUND_MS);
    const read = await timed(() => engine.get('p1'));
    expect(read.result.outcome).toBe('BYPASS');
    expect(read.result.record?.value).toBe('one');
    expect(read.ms).toBeLessThan(FAST_REJECT_BOUND_MS);

    server.thaw();
    await realElapse(SETTINGS.cooldownMs);
    const deadline = Date.now() + RECOVERY_DEADLINE_MS;
    let outcome = (await engine.get('p1')).outcome;
    while (outcome !== 'HIT' && Date.now() < deadline) {
      await realElapse(100);
      outcome = (await engine.get('p1')).outcome;
    }
    expect(outcome).toBe('HIT');
    expect(store.state).toBe('closed');
    expect(events.filter((event) => event !== 'reject')).toEqual(['open', 'close']);
  });
});

describe('BreakerCacheStore around a real Redis Cluster, a circuit per master', () => {
  let cluster: TestRedisCluster;
  let client: RedisClient;
  let store: BreakerCacheStore;
  let engine: CacheAside<string>;
  const events: string[] = [];
  const ids = Array.from({ length: 30 }, (_, index) => `c${index}`);

  beforeAll(async () => {
    cluster = await startTestRedisCluster();
    client = createRedisClient({
      url: cluster.url,
      mode: 'cluster',
      connectTimeoutMs: TEST_CONNECT_TIMEOUT_MS,
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
    });
    const redis = new RedisCacheStore(client);
    await redis.connect(RECOVERY_DEADLINE_MS);
    store = new BreakerCacheStore(
      redis,
      SETTINGS,
      {
        onOpen: (_cause, node) => events.push(`open ${node}`),
        onClose: (node) => events.push(`close ${node}`),
        onReject: () => events.push('reject'),
      },
      partitionByServingNode(() => client),
    );
    const source = new RecordingSource<string>();
    for (const id of ids) source.put(id, `value of ${id}`);
    engine = new CacheAside({
      store,
      source,
      keyPrefix: 'breaker',
      policy: { ...DEFAULT_CACHE_POLICY, earlyRefreshBeta: 0 },
    });
  }, 60_000);

  afterAll(async () => {
    for (const node of cluster?.nodes ?? []) node.thaw();
    await store?.close();
    await cluster?.stop();
  });

  it("opens only a frozen master's circuit: items on the other masters are still served from the cache", async () => {
    for (const id of ids) await engine.get(id);
    const frozen = cluster.nodes[1] as TestRedisServer;
    const frozenNode = `127.0.0.1:${frozen.port}`;
    const onFrozen = ids.filter(
      (id) => servingNode(client as Cluster, itemKeys('breaker', id).entry) === frozenNode,
    );
    const elsewhere = ids.filter((id) => !onFrozen.includes(id));
    expect(onFrozen.length).toBeGreaterThan(0);
    expect(elsewhere.length).toBeGreaterThan(0);

    frozen.freeze();
    for (const id of onFrozen.slice(0, SETTINGS.failureThreshold)) {
      expect((await engine.get(id)).outcome).toBe('BYPASS');
    }
    expect(events).toEqual([`open ${frozenNode}`]);
    for (const id of onFrozen) {
      const read = await timed(() => engine.get(id));
      expect(read.result).toEqual({ outcome: 'BYPASS', record: { value: `value of ${id}`, version: 1 } });
      expect(read.ms).toBeLessThan(FAST_REJECT_BOUND_MS);
    }
    for (const id of elsewhere) expect((await engine.get(id)).outcome).toBe('HIT');
    expect(store.state).toBe('open');

    frozen.thaw();
    await realElapse(SETTINGS.cooldownMs);
    const deadline = Date.now() + RECOVERY_DEADLINE_MS;
    let outcome = (await engine.get(onFrozen[0] as string)).outcome;
    while (outcome !== 'HIT' && Date.now() < deadline) {
      await realElapse(100);
      outcome = (await engine.get(onFrozen[0] as string)).outcome;
    }
    expect(outcome).toBe('HIT');
    expect(store.state).toBe('closed');
    expect(events.filter((event) => event !== 'reject')).toEqual([
      `open ${frozenNode}`,
      `close ${frozenNode}`,
    ]);
  });
});
