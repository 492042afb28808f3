import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../src/adapters/redis/create-redis-client.js';
import type { RedisCacheStore } from '../../src/adapters/redis/redis-cache-store.js';
import { entryKey } from '../../src/core/cache-keys.js';
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
  expect(String(cache.resources.get('aws_elasticache_user')?.get('default')?.access_string)).toBe(
    expr('local.access_string'),
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

  it("lets the app's own adapter connect (HELLO 3 AUTH, INFO ready check) and get, set and delete under the prefix", async () => {
    const key = entryKey(access.prefix, 'x');
    expect(key).toBe(`${access.prefix}:p:{x}`);
    await store.set(key, 'v1', 60_000);
    expect(await store.get(key)).toBe('v1');
    await store.delete(key);
    expect(await store.get(key)).toBeNull();
  });

  it('refuses a key outside the prefix', async () => {
    await expect(store.get('other:p:{x}')).rejects.toMatchObject({ code: 'CACHE_STORE_AUTH_FAILED' });
    await expect(store.set('other:p:{x}', 'v', 1_000)).rejects.toThrow(/NOPERM/);
    await expect(store.get(`${access.prefix}-other:p:{x}`)).rejects.toThrow(/NOPERM/);
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

  it('discovers the slots and reads and writes prefixed keys on every master', async () => {
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) {
      const key = entryKey(prefix, id);
      await store.set(key, id, 60_000);
      expect(await store.get(key)).toBe(id);
      await store.delete(key);
    }
    await expect(store.get('other:p:{a}')).rejects.toThrow(/NOPERM/);
  });
});
