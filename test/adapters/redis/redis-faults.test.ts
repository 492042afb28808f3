import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../../src/adapters/redis/create-redis-client.js';
import { CacheStoreError } from '../../../src/adapters/redis/errors.js';
import { RedisCacheStore } from '../../../src/adapters/redis/redis-cache-store.js';
import { findFreePort } from '../../../src/local/free-port.js';
import { type RedisServerProcess, startRedisServer } from '../../../src/local/redis-server-process.js';
import {
  openRedisStore,
  startTestRedis,
  startTestRedisCluster,
  TEST_COMMAND_TIMEOUT_MS,
  TEST_CONNECT_TIMEOUT_MS,
  type TestRedisCluster,
  type TestRedisServer,
} from '../../support/redis-harness.js';

// Bounds that only catch a hang; the timeouts under test are 150 ms (command) and 500 ms (connect).
const FAIL_FAST_BOUND_MS = 1_000;
const HANG_BOUND_MS = 2_000;
const RECOVERY_DEADLINE_MS = 8_000;
// The production default, for the tests that are about the command timeout itself.
const COMMAND_TIMEOUT_MS = 150;
// Timers fire late on a loaded machine; this much lateness is tolerated before a bound counts as broken.
const SCHEDULING_SLACK_MS = 120;

/** Runs `operation`, expecting a CacheStoreError; returns it with how long the rejection took. */
async function rejectionOf(
  operation: () => Promise<unknown>,
): Promise<{ error: CacheStoreError; ms: number }> {
  const startedAt = performance.now();
  const error = await operation().then(
    () => expect.fail('expected the operation to reject'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(CacheStoreError);
  return { error: error as CacheStoreError, ms: performance.now() - startedAt };
}

/** Retries `operation` until it succeeds; the same store must get there on its own after an outage. */
async function eventually<T>(operation: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + RECOVERY_DEADLINE_MS;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serverAndStore(args: readonly string[] = [], commandTimeoutMs = TEST_COMMAND_TIMEOUT_MS) {
  const server = await startTestRedis(args);
  cleanups.push(() => server.stop());
  const store = await openRedisStore(server.url, 'standalone', { commandTimeoutMs });
  cleanups.push(() => store.close());
  return { server, store };
}

describe('Redis standalone faults', () => {
  it('rejects at once with CACHE_STORE_UNAVAILABLE when the server is killed, and recovers on restart', async () => {
    const { server, store } = await serverAndStore();
    await store.set('fault:p:{1}', 'before', 60_000);
    await server.kill();

    const get = await rejectionOf(() => store.get('fault:p:{1}'));
    const set = await rejectionOf(() => store.set('fault:p:{1}', 'during', 60_000));
    const del = await rejectionOf(() => store.delete('fault:p:{1}'));
    for (const { error, ms } of [get, set, del]) {
      expect(error.code).toBe('CACHE_STORE_UNAVAILABLE');
      expect(ms).toBeLessThan(FAIL_FAST_BOUND_MS);
    }

    await server.restart();
    await eventually(() => store.set('fault:p:{1}', 'after', 60_000));
    expect(await store.get('fault:p:{1}')).toBe('after');
  });

  it('times out with CACHE_STORE_TIMEOUT while the server is frozen, and recovers when it resumes', async () => {
    const { server, store } = await serverAndStore([], COMMAND_TIMEOUT_MS);
    await store.set('fault:p:{2}', 'before', 60_000);
    server.freeze();
    try {
      const get = await rejectionOf(() => store.get('fault:p:{2}'));
      const set = await rejectionOf(() => store.set('fault:p:{2}', 'during', 60_000));
      for (const { error, ms } of [get, set]) {
        expect(error.code).toBe('CACHE_STORE_TIMEOUT');
        expect(error.cause).toBeInstanceOf(Error);
        expect(ms).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS - 5);
        expect(ms).toBeLessThan(HANG_BOUND_MS);
      }
    } finally {
      server.thaw();
    }
    // A timed-out SET was still sent: once the server resumes it applies it, so the value may be either.
    expect(['before', 'during']).toContain(await eventually(() => store.get('fault:p:{2}')));
  });

  it('starts while Redis is down without hanging, fails fast, and connects once Redis appears', async () => {
    const port = await findFreePort();
    const store = new RedisCacheStore(
      createRedisClient({
        url: `redis://127.0.0.1:${port}`,
        mode: 'standalone',
        connectTimeoutMs: TEST_CONNECT_TIMEOUT_MS,
        commandTimeoutMs: TEST_COMMAND_TIMEOUT_MS,
      }),
    );
    cleanups.push(() => store.close());

    const connect = await rejectionOf(() => store.connect(5_000));
    expect(connect.error.code).toBe('CACHE_STORE_UNAVAILABLE');
    expect(connect.error.message).toContain('ECONNREFUSED');
    expect(connect.ms).toBeLessThan(FAIL_FAST_BOUND_MS);
    const get = await rejectionOf(() => store.get('cold:p:{1}'));
    expect(get.error.code).toBe('CACHE_STORE_UNAVAILABLE');
    expect(get.ms).toBeLessThan(FAIL_FAST_BOUND_MS);

    const server = await startRedisServer({ port });
    cleanups.push(() => server.stop());
    await eventually(() => store.set('cold:p:{1}', 'late', 60_000));
    expect(await store.get('cold:p:{1}')).toBe('late');
  });
});

describe('Redis out of memory', () => {
  it('rejects a write with CACHE_STORE_COMMAND_FAILED (OOM) and keeps serving reads', async () => {
    const { store } = await serverAndStore(['--maxmemory', '2mb', '--maxmemory-policy', 'noeviction']);
    await store.set('oom:p:{first}', 'kept', 60_000);
    const chunk = 'x'.repeat(256 * 1024);
    const rejection = await rejectionOf(async () => {
      for (let index = 0; index < 64; index++) await store.set(`oom:p:{${index}}`, chunk, 60_000);
    });
    expect(rejection.error.code).toBe('CACHE_STORE_COMMAND_FAILED');
    expect(rejection.error.message).toContain('OOM');
    expect(await store.get('oom:p:{first}')).toBe('kept');
  });
});

describe('Redis AUTH', () => {
  const password = 'p@ss:w/rd';
  const userUrl = (server: TestRedisServer, secret: string, username = '') =>
    server.url.replace('redis://', `redis://${username}:${encodeURIComponent(secret)}@`);

  it('authenticates with the password in the URL or with a supplied token', async () => {
    const server = await startTestRedis(['--requirepass', password]);
    cleanups.push(() => server.stop());
    const fromUrl = await openRedisStore(userUrl(server, password));
    cleanups.push(() => fromUrl.close());
    await fromUrl.set('auth:p:{1}', 'ok', 60_000);

    const fromToken = await openRedisStore(userUrl(server, 'stale-url-password', 'default'), 'standalone', {
      authToken: password,
    });
    cleanups.push(() => fromToken.close());
    expect(await fromToken.get('auth:p:{1}')).toBe('ok');
  });

  it('fails with CACHE_STORE_AUTH_FAILED, naming the reason, without or with a wrong password', async () => {
    const server = await startTestRedis(['--requirepass', password]);
    cleanups.push(() => server.stop());
    for (const url of [server.url, userUrl(server, 'wrong')]) {
      const connect = await rejectionOf(() => openRedisStore(url));
      expect(connect.error.code).toBe('CACHE_STORE_AUTH_FAILED');
      expect(connect.error.message).toMatch(/NOAUTH|WRONGPASS/);
    }
    const store = new RedisCacheStore(
      createRedisClient({
        url: server.url,
        mode: 'standalone',
        connectTimeoutMs: TEST_CONNECT_TIMEOUT_MS,
        commandTimeoutMs: TEST_COMMAND_TIMEOUT_MS,
      }),
    );
    cleanups.push(() => store.close());
    await store.connect(5_000).catch(() => undefined);
    const get = await rejectionOf(() => store.get('auth:p:{1}'));
    expect(get.error.code).toBe('CACHE_STORE_AUTH_FAILED');
    expect(get.error.message).toContain('NOAUTH');
  });
});

describe('Redis TLS (rediss://)', () => {
  let tlsServer: RedisServerProcess | undefined;
  let caPem = '';

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aside-redis-tls-'));
    // ElastiCache requires TLS, so these tests are required too: a redis-server built without TLS (or
    // no openssl to make the certificates) fails the run here with the reason, rather than skipping.
    makeCertificates(dir);
    caPem = await readFile(join(dir, 'ca.crt'), 'utf8');
    const port = await findFreePort();
    tlsServer = await startRedisServer({
      port,
      args: [
        ...['--port', '0', '--tls-port', String(port), '--tls-auth-clients', 'no'],
        ...['--tls-cert-file', join(dir, 'server.crt'), '--tls-key-file', join(dir, 'server.key')],
        ...['--tls-ca-cert-file', join(dir, 'ca.crt'), '--dir', dir],
      ],
    });
    return async () => {
      await tlsServer?.stop();
      await rm(dir, { recursive: true, force: true });
    };
  });

  const tlsUrl = () => `rediss://localhost:${tlsServer?.port}`;

  it('talks to a TLS server when the URL is rediss://', async () => {
    const store = await openRedisStore(tlsUrl(), 'standalone', { tls: { ca: caPem } });
    cleanups.push(() => store.close());
    await store.set('tls:p:{1}', 'encrypted', 60_000);
    expect(await store.get('tls:p:{1}')).toBe('encrypted');
  });

  it('refuses a server certificate it cannot verify', async () => {
    const connect = await rejectionOf(() => openRedisStore(tlsUrl()));
    expect(connect.error.code).toBe('CACHE_STORE_UNAVAILABLE');
    expect(connect.error.message).toMatch(/certificate/i);
  });
});

function makeCertificates(dir: string): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=Aside test CA',
  );
  openssl('req', ...ecKey, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  const signing = [
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-extfile',
    'san.cnf',
    '-days',
    '1',
  ];
  openssl('x509', '-req', '-in', 'server.csr', ...signing, '-out', 'server.crt');
}

describe('Redis cluster faults', () => {
  let cluster: TestRedisCluster;

  beforeAll(async () => {
    cluster = await startTestRedisCluster();
    return () => cluster.stop();
  });

  it('serves the healthy masters and bounds calls to a frozen or killed one', async () => {
    const store = await openRedisStore(cluster.url, 'cluster', { commandTimeoutMs: COMMAND_TIMEOUT_MS });
    cleanups.push(() => store.close());
    const keys = Array.from({ length: 30 }, (_, index) => `cfault:p:{${index}}`);
    await Promise.all(keys.map((key) => store.set(key, key, 60_000)));

    const [, frozen, killed] = cluster.nodes as [TestRedisServer, TestRedisServer, TestRedisServer];
    frozen.freeze();
    await killed.kill();
    try {
      const outcomes = await Promise.all(
        keys.map(async (key) => {
          const startedAt = performance.now();
          const value = await store.get(key).catch((error: unknown) => error);
          return { key, value, ms: performance.now() - startedAt };
        }),
      );
      const served = outcomes.filter((outcome) => outcome.value === outcome.key);
      const failed = outcomes.filter((outcome) => outcome.value instanceof CacheStoreError);
      expect(served.length).toBeGreaterThan(0);
      expect(failed.length).toBeGreaterThan(0);
      expect(served.length + failed.length).toBe(keys.length);
      for (const outcome of outcomes) expect(outcome.ms).toBeLessThan(HANG_BOUND_MS);
    } finally {
      frozen.thaw();
    }
  });

  it('ends every call within the command timeout, even while the cluster client retries a lost master', async () => {
    const fresh = await startTestRedisCluster();
    cleanups.push(() => fresh.stop());
    const store = await openRedisStore(fresh.url, 'cluster', { commandTimeoutMs: COMMAND_TIMEOUT_MS });
    cleanups.push(() => store.close());
    const keys = Array.from({ length: 30 }, (_, index) => `deadline:p:{${index}}`);
    await Promise.all(keys.map((key) => store.set(key, key, 60_000)));
    await (fresh.nodes[2] as TestRedisServer).kill();
    const durations: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (const key of keys) {
        const startedAt = performance.now();
        await store.get(key).catch(() => undefined);
        durations.push(performance.now() - startedAt);
      }
    }
    expect(Math.max(...durations)).toBeLessThan(COMMAND_TIMEOUT_MS + SCHEDULING_SLACK_MS);
  });
});
