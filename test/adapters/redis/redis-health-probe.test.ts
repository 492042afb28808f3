import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient, type RedisClient } from '../../../src/adapters/redis/create-redis-client.js';
import { RedisCacheStore } from '../../../src/adapters/redis/redis-cache-store.js';
import { RedisHealthProbe } from '../../../src/adapters/redis/redis-health-probe.js';
import { infoFigures, parseInfo } from '../../../src/adapters/redis/redis-info.js';
import {
  startTestRedis,
  startTestRedisCluster,
  TEST_CONNECT_TIMEOUT_MS,
  type TestRedisCluster,
  type TestRedisServer,
} from '../../support/redis-harness.js';

// The production default, so the unreachable cases run on the timeout /health is bounded by.
const COMMAND_TIMEOUT_MS = 150;
// Catches a hang only; the bound under test is the command timeout.
const HANG_BOUND_MS = 2_000;
const MAX_MEMORY_BYTES = 4 * 1024 * 1024;
const VALUE = 'x'.repeat(2_048);

/** The client as production builds it, inside a store (which listens to its connection errors). */
async function connectedClient(url: string, mode: 'standalone' | 'cluster' = 'standalone') {
  const client = createRedisClient({
    url,
    mode,
    connectTimeoutMs: TEST_CONNECT_TIMEOUT_MS,
    commandTimeoutMs: COMMAND_TIMEOUT_MS,
  });
  const store = new RedisCacheStore(client);
  await store.connect(5_000);
  return { client, store };
}

/** Runs the probe and how long it took, in ms. */
async function timedCheck(client: RedisClient) {
  const started = performance.now();
  const report = await new RedisHealthProbe(client).check();
  return { report, elapsedMs: performance.now() - started };
}

describe('RedisHealthProbe on a standalone redis-server with maxmemory and a policy', () => {
  let server: TestRedisServer;
  let admin: Redis;
  let client: RedisClient;
  let store: RedisCacheStore;

  beforeAll(async () => {
    server = await startTestRedis([
      '--maxmemory',
      String(MAX_MEMORY_BYTES),
      '--maxmemory-policy',
      'allkeys-lru',
    ]);
    admin = new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    ({ client, store } = await connectedClient(server.url));
  });

  afterAll(async () => {
    await store?.close();
    admin?.disconnect();
    await server?.stop();
  });

  it('reports up, its round trip, memory against maxmemory, evictions and the policy (INFO only)', async () => {
    await admin.config('RESETSTAT');
    const { report } = await timedCheck(client);
    expect(report).toEqual({
      kind: 'redis',
      status: 'up',
      roundTripMs: expect.any(Number),
      memory: { usedBytes: expect.any(Number), maxBytes: MAX_MEMORY_BYTES, usedPercent: expect.any(Number) },
      evictedKeys: 0,
      evictionPolicy: 'allkeys-lru',
    });
    const { usedBytes, usedPercent } = report.memory ?? { usedBytes: 0, usedPercent: 0 };
    expect(usedBytes).toBeGreaterThan(0);
    expect(usedPercent).toBe(Math.round((usedBytes / MAX_MEMORY_BYTES) * 1000) / 10);
    const stats = await admin.info('commandstats');
    // One PING and one INFO since the reset (the test's own CONFIG RESETSTAT aside): no CONFIG GET.
    const calls = [...stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map(
      ([, name, count]) => `${name}=${count}`,
    );
    expect(calls.sort()).toEqual(['config|resetstat=1', 'info=1', 'ping=1']);
  });

  it('counts the keys evicted when writes pass maxmemory, as INFO stats does', async () => {
    for (let batch = 0; batch < 8; batch++) {
      const pipeline = admin.pipeline();
      for (let index = 0; index < 500; index++)
        pipeline.set(`aside:p:{${batch}-${index}}`, VALUE, 'PX', 60_000);
      await pipeline.exec();
    }
    const { report } = await timedCheck(client);
    const evicted = Number(/evicted_keys:(\d+)/.exec(await admin.info('stats'))?.[1]);
    expect(evicted).toBeGreaterThan(0);
    expect(report.evictedKeys).toBe(evicted);
    expect(report.memory?.usedPercent).toBeGreaterThan(50);
  });

  it('reports a frozen server down within the command timeout, and up again once it answers', async () => {
    server.freeze();
    try {
      const { report, elapsedMs } = await timedCheck(client);
      expect(report).toMatchObject({
        kind: 'redis',
        status: 'down',
        error: expect.stringMatching(/timed out/i),
      });
      expect(report).not.toHaveProperty('roundTripMs');
      expect(elapsedMs).toBeLessThan(HANG_BOUND_MS);
    } finally {
      server.thaw();
    }
    expect((await timedCheck(client)).report.status).toBe('up');
  });
});

describe('RedisHealthProbe when Redis is gone', () => {
  let server: TestRedisServer;
  let store: RedisCacheStore | undefined;

  afterEach(async () => {
    await store?.close();
    await server?.stop();
  });

  it('reports a killed server down at once (no offline queue), saying why', async () => {
    server = await startTestRedis();
    const connected = await connectedClient(server.url);
    store = connected.store;
    await server.kill();
    const { report, elapsedMs } = await timedCheck(connected.client);
    expect(report).toMatchObject({
      kind: 'redis',
      status: 'down',
      error: expect.stringMatching(/connection/),
    });
    expect(elapsedMs).toBeLessThan(HANG_BOUND_MS);
  });

  it('reports no limit as null when the server has no maxmemory', async () => {
    server = await startTestRedis();
    const connected = await connectedClient(server.url);
    store = connected.store;
    const { report } = await timedCheck(connected.client);
    expect(report.memory).toMatchObject({ maxBytes: null, usedPercent: null });
    expect(report.evictionPolicy).toBe('noeviction');
  });
});

describe('RedisHealthProbe on a cluster', () => {
  let cluster: TestRedisCluster;
  let client: RedisClient;
  let store: RedisCacheStore;

  beforeAll(async () => {
    cluster = await startTestRedisCluster();
    ({ client, store } = await connectedClient(cluster.url, 'cluster'));
  });

  afterAll(async () => {
    await store?.close();
    await cluster?.stop();
  });

  it('reports every master, and totals over them', async () => {
    const { report } = await timedCheck(client);
    expect(report).toMatchObject({
      kind: 'redis',
      status: 'up',
      evictedKeys: 0,
      evictionPolicy: 'noeviction',
    });
    const ports = cluster.nodes.map((node) => `127.0.0.1:${node.port}`).sort();
    expect(report.nodes?.map((node) => node.address).sort()).toEqual(ports);
    for (const node of report.nodes ?? []) expect(node).toMatchObject({ status: 'up', evictedKeys: 0 });
    const used = (report.nodes ?? []).reduce((sum, node) => sum + (node.memory?.usedBytes ?? 0), 0);
    expect(report.memory).toEqual({ usedBytes: used, maxBytes: null, usedPercent: null });
  });

  it('reports the cluster down when one master is, naming it', async () => {
    const [lost] = cluster.nodes;
    await lost?.kill();
    const { report, elapsedMs } = await timedCheck(client);
    expect(report).toMatchObject({ status: 'down', error: '1 of 3 masters down' });
    const down = report.nodes?.filter((node) => node.status === 'down').map((node) => node.address);
    expect(down).toEqual([`127.0.0.1:${lost?.port}`]);
    expect(elapsedMs).toBeLessThan(HANG_BOUND_MS);
  });
});

describe('INFO parsing', () => {
  it('takes used_memory, maxmemory, maxmemory_policy and evicted_keys, and leaves out what a server omits', () => {
    const info =
      '# Memory\r\nused_memory:1048576\r\nmaxmemory:2097152\r\nmaxmemory_policy:allkeys-lru\r\n\r\n# Stats\r\nevicted_keys:7\r\n';
    expect(infoFigures(parseInfo(info))).toEqual({
      memory: { usedBytes: 1_048_576, maxBytes: 2_097_152, usedPercent: 50 },
      evictedKeys: 7,
      evictionPolicy: 'allkeys-lru',
    });
    expect(infoFigures(parseInfo('# Memory\r\nused_memory_human:1M\r\n'))).toEqual({});
  });
});
