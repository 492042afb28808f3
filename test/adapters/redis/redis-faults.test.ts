import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../../src/adapters/redis/create-redis-client.js';
import { RedisCacheStore } from '../../../src/adapters/redis/redis-cache-store.js';
import { encodeEntry } from '../../../src/core/cache-entry.js';
import { itemKeys } from '../../../src/core/cache-keys.js';
import type { CacheStore, ItemKeys } from '../../../src/core/cache-store.js';
import { CacheStoreError } from '../../../src/core/cache-store-error.js';
import { findFreePort } from '../../../src/local/free-port.js';
import { type RedisServerProcess, startRedisServer } from '../../../src/local/redis-server-process.js';
import { parseCachedEntry } from '../../support/cached-entry.js';
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
const ENTRY_TTL_MS = 60_000;
// Short, so a lease a faulted call may have left behind frees itself well within RECOVERY_DEADLINE_MS.
const LEASE_TTL_MS = 1_000;
const FENCE_TTL_MS = 60_000;
/** Every entry counts as stale at this instant, so the lease is granted (as for an early refresh). */
const ALWAYS_STALE = Number.MAX_SAFE_INTEGER;

/** The engine's protocol operations on one item, each as the engine calls it. */
type Operation = 'get' | 'acquire' | 'fill' | 'invalidate';
const OPERATIONS: readonly Operation[] = ['get', 'acquire', 'fill', 'invalidate'];

/** An entry that stays fresh for the whole test. */
function entryOf(val: string, ver = 1): string {
  return encodeEntry({ ver, val, soft: Date.now() + ENTRY_TTL_MS, dt: 1 });
}

/** Writes an entry as the engine fills one: takes the lease with a fresh token, then fills with it. */
async function writeEntry(store: CacheStore, keys: ItemKeys, val: string, ver = 1): Promise<void> {
  const token = randomUUID();
  const lease = await store.acquire(keys, { token, leaseTtlMs: LEASE_TTL_MS, staleAtMs: ALWAYS_STALE });
  expect(lease.granted).toBe(true);
  const filled = await store.fill(keys, {
    token,
    entry: entryOf(val, ver),
    ttlMs: ENTRY_TTL_MS,
    version: ver,
  });
  expect(filled).toBe('STORED');
}

/** The `val` of the item's entry, or null when there is none. */
async function cachedValue(store: CacheStore, keys: ItemKeys): Promise<unknown> {
  const text = await store.get(keys.entry);
  return text === null ? null : parseCachedEntry(text)?.val;
}

/** One call of `operation` on `keys`, with arguments that would succeed against a healthy server. */
function call(
  store: CacheStore,
  keys: ItemKeys,
  operation: Operation,
  token = randomUUID(),
): Promise<unknown> {
  switch (operation) {
    case 'get':
      return store.get(keys.entry);
    case 'acquire':
      return store.acquire(keys, { token, leaseTtlMs: LEASE_TTL_MS, staleAtMs: ALWAYS_STALE });
    case 'fill':
      return store.fill(keys, { token, entry: entryOf('during', 2), ttlMs: ENTRY_TTL_MS, version: 2 });
    case 'invalidate':
      return store.invalidate(keys, { version: 2, fenceTtlMs: FENCE_TTL_MS });
  }
}

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

/** Every protocol operation on `keys`, each expected to reject: operation → its error and duration. */
async function rejectionsOfEveryOperation(store: CacheStore, keys: ItemKeys) {
  const rejections = new Map<Operation, { error: CacheStoreError; ms: number }>();
  for (const operation of OPERATIONS)
    rejections.set(operation, await rejectionOf(() => call(store, keys, operation)));
  return rejections;
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
  it('rejects every operation at once with CACHE_STORE_UNAVAILABLE when the server is killed, and recovers on restart', async () => {
    const { server, store } = await serverAndStore();
    const keys = itemKeys('fault', '1');
    await writeEntry(store, keys, 'before');
    await server.kill();

    const rejections = await rejectionsOfEveryOperation(store, keys);
    for (const [operation, { error, ms }] of rejections) {
      expect(error.code, operation).toBe('CACHE_STORE_UNAVAILABLE');
      expect(ms, operation).toBeLessThan(FAIL_FAST_BOUND_MS);
    }

    // The restarted server is empty and knows none of the scripts; the new connection sends them again.
    await server.restart();
    await eventually(() => writeEntry(store, keys, 'after'));
    expect(await cachedValue(store, keys)).toBe('after');
    await store.invalidate(keys, { version: 2, fenceTtlMs: FENCE_TTL_MS });
    expect(
      await store.acquire(keys, { token: 'next', leaseTtlMs: LEASE_TTL_MS, staleAtMs: Date.now() }),
    ).toEqual({
      entry: null,
      granted: true,
      fenced: true,
    });
  });

  it('times out every operation with CACHE_STORE_TIMEOUT while the server is frozen, and recovers when it resumes', async () => {
    const { server, store } = await serverAndStore([], COMMAND_TIMEOUT_MS);
    const filled = itemKeys('fault', '2');
    const changed = itemKeys('fault', '3');
    await writeEntry(store, filled, 'before');
    await writeEntry(store, changed, 'before');
    server.freeze();
    try {
      const timings = [
        await rejectionOf(() => store.get(filled.entry)),
        await rejectionOf(() =>
          store.acquire(filled, { token: 'during', leaseTtlMs: LEASE_TTL_MS, staleAtMs: ALWAYS_STALE }),
        ),
        await rejectionOf(() =>
          store.fill(filled, {
            token: 'during',
            entry: entryOf('during', 2),
            ttlMs: ENTRY_TTL_MS,
            version: 2,
          }),
        ),
        await rejectionOf(() => store.invalidate(changed, { version: 5, fenceTtlMs: FENCE_TTL_MS })),
      ];
      for (const { error, ms } of timings) {
        expect(error.code).toBe('CACHE_STORE_TIMEOUT');
        expect(error.message).toMatch(/^Redis (GET|ACQUIRE|FILL|INVALIDATE) timed out/);
        expect(error.cause).toBeInstanceOf(Error);
        expect(ms).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS - 5);
        expect(ms).toBeLessThan(HANG_BOUND_MS);
      }
    } finally {
      server.thaw();
    }
    // A timed-out call was still sent: once the server resumes it runs the scripts in order, so the lease
    // taken by the timed-out acquire was filled by the timed-out fill, and the invalidation happened.
    expect(await eventually(() => cachedValue(store, filled))).toBe('during');
    expect(await store.get(changed.entry)).toBeNull();
    expect(await store.get(changed.fence)).toBe('5');
    // The fill released the lease, so the next caller gets it at once.
    await writeEntry(store, filled, 'after', 3);
    expect(await cachedValue(store, filled)).toBe('after');
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
    const keys = itemKeys('cold', '1');
    for (const [operation, { error, ms }] of await rejectionsOfEveryOperation(store, keys)) {
      expect(error.code, operation).toBe('CACHE_STORE_UNAVAILABLE');
      expect(error.message, operation).toContain('ECONNREFUSED');
      expect(ms, operation).toBeLessThan(FAIL_FAST_BOUND_MS);
    }

    const server = await startRedisServer({ port });
    cleanups.push(() => server.stop());
    await eventually(() => writeEntry(store, keys, 'late'));
    expect(await cachedValue(store, keys)).toBe('late');
  });
});

describe('Redis out of memory', () => {
  // Redis checks maxmemory when a script calls its first command that may grow memory (SET), and only
  // if the script has written nothing before (it never stops a script halfway); EVAL itself is let in.
  it('refuses a lease with CACHE_STORE_COMMAND_FAILED (OOM), and keeps serving reads, fills and invalidations', async () => {
    const { store } = await serverAndStore(['--maxmemory', '2mb', '--maxmemory-policy', 'noeviction']);
    const kept = itemKeys('oom', 'kept');
    const leased = itemKeys('oom', 'leased');
    await writeEntry(store, kept, 'kept');
    // A lease taken before memory runs out, as by a caller whose load is under way.
    const lease = await store.acquire(leased, {
      token: 'early',
      leaseTtlMs: ENTRY_TTL_MS,
      staleAtMs: Date.now(),
    });
    expect(lease.granted).toBe(true);

    const chunk = 'x'.repeat(256 * 1024);
    const rejection = await rejectionOf(async () => {
      for (let index = 0; index < 64; index++) await writeEntry(store, itemKeys('oom', `${index}`), chunk);
    });
    expect(rejection.error.code).toBe('CACHE_STORE_COMMAND_FAILED');
    expect(rejection.error.message).toMatch(/^Redis ACQUIRE failed: OOM /);

    // Still refused: a lease on an absent item (the engine then loads without filling).
    const refused = await rejectionOf(() =>
      store.acquire(itemKeys('oom', 'absent'), {
        token: 'late',
        leaseTtlMs: LEASE_TTL_MS,
        staleAtMs: Date.now(),
      }),
    );
    expect(refused.error.code).toBe('CACHE_STORE_COMMAND_FAILED');
    expect(refused.error.message).toContain('OOM');

    // Still served: the hot-path GET, and an acquire that finds a fresh entry (it writes nothing).
    expect(await cachedValue(store, kept)).toBe('kept');
    const fresh = await store.acquire(kept, {
      token: 'late',
      leaseTtlMs: LEASE_TTL_MS,
      staleAtMs: Date.now(),
    });
    expect(fresh).toMatchObject({ granted: false, fenced: false });
    expect(parseCachedEntry(fresh.entry ?? '')?.val).toBe('kept');

    // A fill without the lease writes nothing and answers LEASE_LOST.
    expect(
      await store.fill(itemKeys('oom', 'unleased'), {
        token: 'late',
        entry: entryOf('x'),
        ttlMs: ENTRY_TTL_MS,
        version: 1,
      }),
    ).toBe('LEASE_LOST');
    // A fill with a lease releases the lease first, so Redis lets the script finish: the entry is stored.
    expect(
      await store.fill(leased, { token: 'early', entry: entryOf('filled'), ttlMs: ENTRY_TTL_MS, version: 1 }),
    ).toBe('STORED');
    expect(await cachedValue(store, leased)).toBe('filled');
    // An invalidation unlinks first, so it always raises the fence, even for an item with nothing cached.
    await store.invalidate(kept, { version: 4, fenceTtlMs: FENCE_TTL_MS });
    await store.invalidate(itemKeys('oom', 'never-cached'), { version: 4, fenceTtlMs: FENCE_TTL_MS });
    expect(await store.get(kept.entry)).toBeNull();
    expect(await store.get(kept.fence)).toBe('4');
    expect(await store.get(itemKeys('oom', 'never-cached').fence)).toBe('4');
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
    const keys = itemKeys('auth', '1');
    await writeEntry(fromUrl, keys, 'ok');

    const fromToken = await openRedisStore(userUrl(server, 'stale-url-password', 'default'), 'standalone', {
      authToken: password,
    });
    cleanups.push(() => fromToken.close());
    expect(await cachedValue(fromToken, keys)).toBe('ok');
    const seen = await fromToken.acquire(keys, {
      token: 't',
      leaseTtlMs: LEASE_TTL_MS,
      staleAtMs: Date.now(),
    });
    expect(parseCachedEntry(seen.entry ?? '')?.val).toBe('ok');
    await fromToken.invalidate(keys, { version: 2, fenceTtlMs: FENCE_TTL_MS });
    expect(await fromUrl.get(keys.fence)).toBe('2');
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
    for (const [operation, { error, ms }] of await rejectionsOfEveryOperation(store, itemKeys('auth', '1'))) {
      expect(error.code, operation).toBe('CACHE_STORE_AUTH_FAILED');
      expect(error.message, operation).toContain('NOAUTH');
      expect(ms, operation).toBeLessThan(FAIL_FAST_BOUND_MS);
    }
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
    const keys = itemKeys('tls', '1');
    await writeEntry(store, keys, 'encrypted');
    expect(await cachedValue(store, keys)).toBe('encrypted');
    await store.invalidate(keys, { version: 2, fenceTtlMs: FENCE_TTL_MS });
    expect(await store.get(keys.entry)).toBeNull();
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

/** Which of the cluster's nodes (an index into `cluster.nodes`) serves each item, per CLUSTER SLOTS. */
async function ownersOf(cluster: TestRedisCluster, items: readonly ItemKeys[]): Promise<number[]> {
  const seed = cluster.nodes[0] as TestRedisServer;
  const admin = new Redis(seed.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  try {
    const ranges = (await admin.call('CLUSTER', 'SLOTS')) as Array<
      [number, number, [string, number, ...unknown[]]]
    >;
    const ownerOfSlot = (slot: number) => {
      const range = ranges.find(([first, last]) => first <= slot && slot <= last);
      return cluster.nodes.findIndex((node) => node.port === Number(range?.[2][1]));
    };
    return await Promise.all(
      items.map(async (keys) => {
        const slots = await Promise.all(
          [keys.entry, keys.lease, keys.fence].map(async (key) =>
            Number(await admin.call('CLUSTER', 'KEYSLOT', key)),
          ),
        );
        // The hash tag keeps an item's three keys in one slot, so one script can run on them.
        expect(new Set(slots).size).toBe(1);
        return ownerOfSlot(slots[0] as number);
      }),
    );
  } finally {
    admin.disconnect();
  }
}

describe('Redis cluster faults', () => {
  let cluster: TestRedisCluster;

  beforeAll(async () => {
    cluster = await startTestRedisCluster();
    return () => cluster.stop();
  });

  it('serves items on the healthy masters and bounds every operation on a frozen or killed one', async () => {
    const store = await openRedisStore(cluster.url, 'cluster', { commandTimeoutMs: COMMAND_TIMEOUT_MS });
    cleanups.push(() => store.close());
    const ids = Array.from({ length: 30 }, (_, index) => `${index}`);
    const items = ids.map((id) => itemKeys('cfault', id));
    const owners = await ownersOf(cluster, items);
    expect(new Set(owners)).toEqual(new Set([0, 1, 2]));
    // Each item has an entry and a lease held by its loader, taken before the fault.
    await Promise.all(items.map((keys, index) => writeEntry(store, keys, ids[index] as string)));
    await Promise.all(
      items.map(async (keys, index) => {
        const token = `loader-${ids[index]}`;
        const lease = await store.acquire(keys, { token, leaseTtlMs: ENTRY_TTL_MS, staleAtMs: ALWAYS_STALE });
        expect(lease.granted).toBe(true);
      }),
    );

    const [, frozen, killed] = cluster.nodes as [TestRedisServer, TestRedisServer, TestRedisServer];
    frozen.freeze();
    await killed.kill();
    try {
      // Per item, the engine's steps in order: GET, ACQUIRE, the loader's FILL, then an INVALIDATE.
      const outcomes = await Promise.all(
        items.map(async (keys, index) => {
          const steps: Array<() => Promise<unknown>> = [
            async () => parseCachedEntry((await store.get(keys.entry)) ?? '')?.val,
            async () => {
              const acquired = await store.acquire(keys, {
                token: 'reader',
                leaseTtlMs: LEASE_TTL_MS,
                staleAtMs: Date.now(),
              });
              return { ...acquired, entry: parseCachedEntry(acquired.entry ?? '')?.val };
            },
            () =>
              store.fill(keys, {
                token: `loader-${ids[index]}`,
                entry: entryOf(`refilled-${ids[index]}`, 2),
                ttlMs: ENTRY_TTL_MS,
                version: 2,
              }),
            () => store.invalidate(keys, { version: 3, fenceTtlMs: FENCE_TTL_MS }),
          ];
          const results: Array<{ value: unknown; ms: number }> = [];
          for (const step of steps) {
            const startedAt = performance.now();
            const value = await step().catch((error: unknown) => error);
            results.push({ value, ms: performance.now() - startedAt });
          }
          return { id: ids[index] as string, owner: owners[index] as number, results };
        }),
      );
      for (const { id, owner, results } of outcomes) {
        for (const { ms } of results) expect(ms, `item ${id}`).toBeLessThan(HANG_BOUND_MS);
        const values = results.map((result) => result.value);
        if (owner === 0) {
          expect(values, `item ${id} on the healthy master`).toEqual([
            id,
            { entry: id, granted: false, fenced: false },
            'STORED',
            undefined,
          ]);
          continue;
        }
        for (const value of values) {
          expect(value, `item ${id} on master ${owner}`).toBeInstanceOf(CacheStoreError);
          const { code } = value as CacheStoreError;
          // A frozen master never answers; a killed one may fail at once or be retried until the deadline.
          if (owner === 1) expect(code, `item ${id}`).toBe('CACHE_STORE_TIMEOUT');
          else expect(['CACHE_STORE_UNAVAILABLE', 'CACHE_STORE_TIMEOUT'], `item ${id}`).toContain(code);
        }
      }
      // The healthy master's items were invalidated: fence up, entry gone.
      const healthy = items.filter((_, index) => owners[index] === 0);
      for (const keys of healthy) {
        expect(await store.get(keys.entry)).toBeNull();
        expect(await store.get(keys.fence)).toBe('3');
      }
    } finally {
      frozen.thaw();
    }
  });

  it('ends every call within the command timeout, even while the cluster client retries a lost master', async () => {
    const fresh = await startTestRedisCluster();
    cleanups.push(() => fresh.stop());
    const store = await openRedisStore(fresh.url, 'cluster', { commandTimeoutMs: COMMAND_TIMEOUT_MS });
    cleanups.push(() => store.close());
    const items = Array.from({ length: 32 }, (_, index) => itemKeys('deadline', `${index}`));
    const owners = await ownersOf(fresh, items);
    expect(owners).toContain(2);
    await Promise.all(items.map((keys) => writeEntry(store, keys, keys.entry)));
    await (fresh.nodes[2] as TestRedisServer).kill();
    const durations = new Map<Operation, number[]>(OPERATIONS.map((operation) => [operation, []]));
    // Three rounds as long as one over every operation: each round shifts which operation an item gets,
    // so every operation meets items on the lost master.
    for (let round = 0; round < 3; round++) {
      for (const [index, keys] of items.entries()) {
        const operation = OPERATIONS[(index + round) % OPERATIONS.length] as Operation;
        const startedAt = performance.now();
        await call(store, keys, operation).catch(() => undefined);
        durations.get(operation)?.push(performance.now() - startedAt);
      }
    }
    for (const [operation, ms] of durations) {
      expect(ms.length, operation).toBeGreaterThan(0);
      expect(Math.max(...ms), operation).toBeLessThan(COMMAND_TIMEOUT_MS + SCHEDULING_SLACK_MS);
    }
  });
});
