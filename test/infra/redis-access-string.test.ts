import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../src/adapters/redis/create-redis-client.js';
import { RedisCacheStore } from '../../src/adapters/redis/redis-cache-store.js';
import { RedisHealthProbe } from '../../src/adapters/redis/redis-health-probe.js';
import { encodeEntry } from '../../src/core/cache-entry.js';
import { itemKeys } from '../../src/core/cache-keys.js';
import type { CacheStore, ItemKeys } from '../../src/core/cache-store.js';
import { CacheStoreError } from '../../src/core/cache-store-error.js';
import { parseCachedEntry } from '../support/cached-entry.js';
import {
  openRedisStore,
  startTestRedis,
  startTestRedisCluster,
  TEST_COMMAND_TIMEOUT_MS,
  TEST_CONNECT_TIMEOUT_MS,
  type TestRedisCluster,
  type TestRedisServer,
} from '../support/redis-harness.js';
import { expr, moduleCall, terraformDir } from './support/load-terraform.js';

const TOKEN = 'test-token-of-the-functions-user';
const ADMIN_PASSWORD = 'test-admin-password';

/**
 * The access string ElastiCache gives the functions' user, assembled exactly as the cache module's
 * `access_string` local does, with the key prefix the example environment passes (the same value the
 * function receives as CACHE_KEY_PREFIX).
 */
async function accessStringFromTerraform(): Promise<{ prefix: string; rules: string[] }> {
  const cache = await terraformDir('modules/cache');
  expect(cache.locals.get('access_string')).toBe(
    expr(`join(" ", concat(["on", "~$\{var.key_prefix}:*", "-@all"], var.allowed_commands))`),
  );
  const allowed = cache.variables.get('allowed_commands')?.default;
  expect(Array.isArray(allowed)).toBe(true);
  // The active user always has these rules; the previous one too until the rotation is settled.
  expect(String(cache.resources.get('aws_elasticache_user')?.get('app')?.access_string)).toBe(
    expr(
      'each.key == local.active_user || local.previous_user_enabled ? local.access_string : local.disabled_access_string',
    ),
  );

  const env = await terraformDir('environments/example');
  expect(moduleCall(env, 'cache').key_prefix).toBe(expr('var.cache_key_prefix'));
  expect(String(moduleCall(env, 'api_function').environment)).toContain(
    'CACHE_KEY_PREFIX      = var.cache_key_prefix',
  );
  const prefix = env.variables.get('cache_key_prefix')?.default;
  expect(typeof prefix).toBe('string');

  return { prefix: String(prefix), rules: ['on', `~${String(prefix)}:*`, '-@all', ...(allowed as string[])] };
}

/**
 * Gives a server an `admin` user (for the test's own setup and checks) and turns its `default` user into
 * the functions' user: the Terraform access string plus the token as its password, as ElastiCache does.
 */
async function applyAccessString(port: number, rules: readonly string[]): Promise<Redis> {
  const setup = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
  await setup.connect();
  await setup.call('ACL', 'SETUSER', 'admin', 'on', `>${ADMIN_PASSWORD}`, '~*', '&*', '+@all');
  await setup.call('ACL', 'SETUSER', 'default', 'reset', `>${TOKEN}`, ...rules);
  setup.disconnect();
  const admin = new Redis(port, '127.0.0.1', {
    username: 'admin',
    password: ADMIN_PASSWORD,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  await admin.connect();
  return admin;
}

/** A raw client configured like the app's (same factory, same options), authenticating with the token. */
function appClient(url: string) {
  return createRedisClient({
    url,
    mode: 'standalone',
    connectTimeoutMs: TEST_CONNECT_TIMEOUT_MS,
    commandTimeoutMs: TEST_COMMAND_TIMEOUT_MS,
    authToken: TOKEN,
  });
}

const TTL_MS = 60_000;

/** An entry that stays fresh for the whole test. */
const entryOf = (val: string, ver: number) => encodeEntry({ ver, val, soft: Date.now() + TTL_MS, dt: 1 });

/**
 * Runs every step of the app's store protocol on one item, as the functions' user, checking each answer:
 * a miss (GET), the lease (ACQUIRE), a fill (FILL), a hit, an early refresh that sees the entry and is
 * refused an older version, an invalidation (INVALIDATE, which raises the fence), and the fenced lease
 * and fill after it, then a write-through (WRITE_THROUGH, the write side's step). Each step but GET is one of the adapter's Lua scripts, so this proves the scripts'
 * own GET, SET and UNLINK calls on the entry, lease and fence keys too.
 */
async function runStoreProtocol(store: CacheStore, keys: ItemKeys, val: string): Promise<void> {
  expect(await store.get(keys.entry)).toBeNull();
  const token = randomUUID();
  expect(await store.acquire(keys, { token, leaseTtlMs: TTL_MS, staleAtMs: Date.now() })).toEqual({
    entry: null,
    granted: true,
    fenced: false,
  });
  const entry = entryOf(val, 1);
  expect(await store.fill(keys, { token, entry, ttlMs: TTL_MS, version: 1 })).toBe('STORED');
  expect(await store.get(keys.entry)).toBe(entry);
  // Batch reads: MGET on a standalone server, a pipeline of GETs on a cluster.
  expect(await store.getMany([keys.entry, keys.fence])).toEqual([entry, null]);

  const refresh = randomUUID();
  const early = await store.acquire(keys, {
    token: refresh,
    leaseTtlMs: TTL_MS,
    staleAtMs: Number.MAX_SAFE_INTEGER,
  });
  expect(early).toEqual({ entry, granted: true, fenced: false });
  // An older version than the entry's is refused: the script read the entry's header.
  expect(
    await store.fill(keys, { token: refresh, entry: entryOf('old', 0), ttlMs: TTL_MS, version: 0 }),
  ).toBe('SUPERSEDED');

  await store.invalidate(keys, { version: 2, fenceTtlMs: TTL_MS });
  expect(await store.get(keys.entry)).toBeNull();
  expect(await store.get(keys.fence)).toBe('2');
  const after = randomUUID();
  expect(await store.acquire(keys, { token: after, leaseTtlMs: TTL_MS, staleAtMs: Date.now() })).toEqual({
    entry: null,
    granted: true,
    fenced: true,
  });
  expect(await store.fill(keys, { token: after, entry: entryOf(val, 2), ttlMs: TTL_MS, version: 2 })).toBe(
    'STORED',
  );
  expect(parseCachedEntry(String(await store.get(keys.entry)))).toMatchObject({ ver: 2, val });

  // The writer's and the stream function's step (same user, same prefix): a newer version is written
  // through and raises the fence; the same version again is superseded.
  const written = entryOf(`${val}-written`, 3);
  expect(
    await store.writeThrough(keys, { entry: written, version: 3, ttlMs: TTL_MS, fenceTtlMs: TTL_MS }),
  ).toBe('STORED');
  expect(await store.get(keys.entry)).toBe(written);
  expect(await store.get(keys.fence)).toBe('3');
  expect(
    await store.writeThrough(keys, {
      entry: entryOf('late', 3),
      version: 3,
      ttlMs: TTL_MS,
      fenceTtlMs: TTL_MS,
    }),
  ).toBe('SUPERSEDED');
  expect(await store.get(keys.entry)).toBe(written);
}

/** Every store operation on `keys` (or only its scripts), each expected to be refused by the ACL (NOPERM). */
async function expectEveryOperationRefused(
  store: CacheStore,
  keys: ItemKeys,
  scriptsOnly = false,
): Promise<void> {
  const all: Array<[string, () => Promise<unknown>]> = [
    ['get', () => store.get(keys.entry)],
    ['getMany', () => store.getMany([keys.entry])],
    ['acquire', () => store.acquire(keys, { token: 't', leaseTtlMs: TTL_MS, staleAtMs: Date.now() })],
    ['fill', () => store.fill(keys, { token: 't', entry: entryOf('v', 1), ttlMs: TTL_MS, version: 1 })],
    ['invalidate', () => store.invalidate(keys, { version: 1, fenceTtlMs: TTL_MS })],
    [
      'writeThrough',
      () =>
        store.writeThrough(keys, { entry: entryOf('v', 1), version: 1, ttlMs: TTL_MS, fenceTtlMs: TTL_MS }),
    ],
  ];
  const operations = scriptsOnly ? all.filter(([name]) => !name.startsWith('get')) : all;
  for (const [name, operation] of operations) {
    const error = await operation().then(
      () => expect.fail(`${name} on ${keys.entry} was allowed`),
      (reason: unknown) => reason,
    );
    expect(error, name).toBeInstanceOf(CacheStoreError);
    expect(error, name).toMatchObject({
      code: 'CACHE_STORE_COMMAND_FAILED',
      message: expect.stringMatching(/NOPERM/),
    });
  }
}

describe('Redis access string of the functions user (real redis-server)', () => {
  let access: { prefix: string; rules: string[] };
  let server: TestRedisServer;
  let admin: Redis;
  let store: RedisCacheStore;

  beforeAll(async () => {
    access = await accessStringFromTerraform();
    server = await startTestRedis();
    admin = await applyAccessString(server.port, access.rules);
    store = await openRedisStore(server.url, 'standalone', { authToken: TOKEN });
  });

  afterAll(async () => {
    await store?.close();
    admin?.disconnect();
    await server?.stop();
  });

  it('restricts keys to the prefix and starts from no commands at all', () => {
    expect(access.rules.slice(0, 3)).toEqual(['on', `~${access.prefix}:*`, '-@all']);
    expect(access.rules.some((rule) => rule.startsWith('+@'))).toBe(false);
  });

  it("lets the app's own adapter connect (HELLO 3 AUTH, INFO ready check) and get, acquire, fill, invalidate and write through under the prefix", async () => {
    const keys = itemKeys(access.prefix, 'x');
    expect(keys).toEqual({
      entry: `${access.prefix}:p:{x}`,
      lease: `${access.prefix}:l:{x}`,
      fence: `${access.prefix}:f:{x}`,
    });
    await admin.config('RESETSTAT');
    await runStoreProtocol(store, keys, 'x');
    await runStoreProtocol(store, itemKeys(access.prefix, 'y'), 'y');
    // Each script went once as EVAL, then as EVALSHA: the user may run both, and no call was refused.
    const stats = await admin.info('commandstats');
    const calls = (command: string) => {
      const line = new RegExp(
        `^cmdstat_${command}:calls=(\\d+),.*rejected_calls=(\\d+),failed_calls=(\\d+)`,
        'm',
      );
      const [, made, rejected, failed] = line.exec(stats) ?? [];
      return { calls: Number(made ?? 0), refused: Number(rejected ?? 0) + Number(failed ?? 0) };
    };
    // Four scripts: acquire, fill, invalidate, write-through.
    expect(calls('eval')).toEqual({ calls: 4, refused: 0 });
    expect(calls('evalsha').calls).toBeGreaterThan(0);
    expect(calls('evalsha').refused).toBe(0);
    expect(calls('get').refused).toBe(0);
  });

  it('lets the store send its scripts again after SCRIPT FLUSH (EVALSHA answers NOSCRIPT, then EVAL)', async () => {
    await admin.script('FLUSH');
    await runStoreProtocol(store, itemKeys(access.prefix, 'after-flush'), 'after-flush');
  });

  it('refuses every store operation on keys outside the prefix', async () => {
    await expectEveryOperationRefused(store, itemKeys('other', 'x'));
    await expectEveryOperationRefused(store, itemKeys(`${access.prefix}-other`, 'x'));
    await expectEveryOperationRefused(store, itemKeys(access.prefix.toUpperCase(), 'x'));
    expect(await admin.keys('*other*')).toEqual([]);
  });

  it('refuses a script as a whole when one of its keys is outside the prefix, changing nothing', async () => {
    const inside = itemKeys(access.prefix, 'mixed');
    // An entry, and a lease held by a loader: the INVALIDATE script's first step would remove both.
    const token = randomUUID();
    await store.acquire(inside, { token, leaseTtlMs: TTL_MS, staleAtMs: Date.now() });
    await store.fill(inside, { token, entry: entryOf('kept', 1), ttlMs: TTL_MS, version: 1 });
    await store.acquire(inside, { token, leaseTtlMs: TTL_MS, staleAtMs: Number.MAX_SAFE_INTEGER });
    const before = await admin.mget(inside.entry, inside.lease);
    expect(before[1]).toBe(token);

    // The fence is outside the prefix; ACQUIRE and INVALIDATE touch it, FILL declares it.
    const mixed: ItemKeys = { ...inside, fence: 'other:f:{mixed}' };
    await expectEveryOperationRefused(store, mixed, true);
    expect(await admin.mget(inside.entry, inside.lease)).toEqual(before);
    expect(await admin.exists(mixed.fence)).toBe(0);
  });

  it('refuses FLUSHALL, CONFIG, KEYS and other commands the app does not send', async () => {
    const client = appClient(server.url);
    await client.connect();
    try {
      for (const command of [
        ['FLUSHALL'],
        ['CONFIG', 'GET', 'maxmemory'],
        ['KEYS', '*'],
        ['DEL', `${access.prefix}:a`],
      ]) {
        await expect(
          client.call(command[0] as string, ...command.slice(1)),
          command.join(' '),
        ).rejects.toThrow(/NOPERM/);
      }
      expect(await client.ping()).toBe('PONG');
      expect(await client.quit()).toBe('OK');
    } finally {
      client.disconnect();
    }
  });

  it('runs Lua scripts and functions on prefixed keys only (EVAL, SCRIPT LOAD, EVALSHA, FCALL)', async () => {
    const client = appClient(server.url);
    await client.connect();
    const key = `${access.prefix}:p:{lua}`;
    try {
      const script = "return redis.call('SET', KEYS[1], ARGV[1], 'PX', 60000)";
      expect(await client.call('EVAL', script, 1, key, 'v')).toBe('OK');
      const sha = String(await client.call('SCRIPT', 'LOAD', "return redis.call('GET', KEYS[1])"));
      expect(await client.call('EVALSHA', sha, 1, key)).toBe('v');
      await expect(client.call('EVAL', script, 1, 'other:p:{lua}', 'v')).rejects.toThrow(
        /NOPERM|permission/i,
      );
      await admin.call(
        'FUNCTION',
        'LOAD',
        'REPLACE',
        "#!lua name=aside_test\nredis.register_function('aside_get', function(keys) return redis.call('GET', keys[1]) end)",
      );
      expect(await client.call('FCALL', 'aside_get', 1, key)).toBe('v');
    } finally {
      client.disconnect();
    }
  });

  it("lets GET /health's probe PING and read INFO memory and stats as the functions user", async () => {
    // Inside a store, as the app builds it: the store listens to the client's connection errors.
    const client = appClient(server.url);
    const probed = new RedisCacheStore(client);
    await probed.connect(TEST_CONNECT_TIMEOUT_MS);
    try {
      expect(await new RedisHealthProbe(client).check()).toMatchObject({
        kind: 'redis',
        status: 'up',
        memory: { usedBytes: expect.any(Number) },
        evictedKeys: expect.any(Number),
        evictionPolicy: expect.any(String),
      });
    } finally {
      await probed.close();
    }
  });

  it('allows the connection and cluster commands the client may send, per ACL DRYRUN', async () => {
    const allowed = [
      ['HELLO', '3'],
      ['PING'],
      ['INFO'],
      ['CLIENT', 'SETNAME', 'aside'],
      ['QUIT'],
      ['RESET'],
      ['CLUSTER', 'SLOTS'],
      ['CLUSTER', 'SHARDS'],
      ['CLUSTER', 'INFO'],
      ['READONLY'],
      ['UNLINK', `${access.prefix}:p:{x}`],
    ];
    for (const command of allowed) {
      expect(await admin.call('ACL', 'DRYRUN', 'default', ...command), command.join(' ')).toBe('OK');
    }
    for (const command of [
      ['FLUSHDB'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['ACL', 'LIST'],
      ['SCRIPT', 'FLUSH'],
      ['FUNCTION', 'FLUSH'],
      ['CLIENT', 'KILL', 'ID', '1'],
    ]) {
      expect(await admin.call('ACL', 'DRYRUN', 'default', ...command), command.join(' ')).not.toBe('OK');
    }
  });
});

describe('Redis access string in cluster mode (Serverless): slot discovery as the functions user', () => {
  let cluster: TestRedisCluster;
  const admins: Redis[] = [];
  let store: RedisCacheStore;
  let prefix: string;

  beforeAll(async () => {
    const access = await accessStringFromTerraform();
    prefix = access.prefix;
    cluster = await startTestRedisCluster();
    for (const node of cluster.nodes) admins.push(await applyAccessString(node.port, access.rules));
    store = await openRedisStore(cluster.url, 'cluster', { authToken: TOKEN });
  });

  afterAll(async () => {
    await store?.close();
    for (const admin of admins) admin.disconnect();
    await cluster?.stop();
  });

  it('discovers the slots and gets, acquires, fills and invalidates prefixed items on every master', async () => {
    const ids = Array.from({ length: 12 }, (_, index) => `item-${index}`);
    for (const id of ids) await runStoreProtocol(store, itemKeys(prefix, id), id);
    // The items landed on every master, and each item's keys on one master: the hash tag routes a script.
    const held = await Promise.all(admins.map((admin) => admin.keys(`${prefix}:*`)));
    for (const keys of held) expect(keys.length).toBeGreaterThan(0);
    for (const id of ids) {
      const { entry, lease, fence } = itemKeys(prefix, id);
      const holder = held.find((keys) => keys.includes(entry));
      expect(holder, id).toContain(fence);
      // The last fill released the lease.
      expect(
        held.some((keys) => keys.includes(lease)),
        id,
      ).toBe(false);
    }
  });

  it("lets GET /health's probe read every master's INFO as the functions user", async () => {
    const client = createRedisClient({
      url: cluster.url,
      mode: 'cluster',
      connectTimeoutMs: TEST_CONNECT_TIMEOUT_MS,
      commandTimeoutMs: TEST_COMMAND_TIMEOUT_MS,
      authToken: TOKEN,
    });
    const probed = new RedisCacheStore(client);
    await probed.connect(5_000);
    try {
      const report = await new RedisHealthProbe(client).check();
      expect(report).toMatchObject({ status: 'up', evictionPolicy: expect.any(String) });
      expect(report.nodes?.map((node) => node.status)).toEqual(['up', 'up', 'up']);
    } finally {
      await probed.close();
    }
  });

  it('refuses every store operation on keys outside the prefix, on every master', async () => {
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f'])
      await expectEveryOperationRefused(store, itemKeys('other', id));
  });
});
