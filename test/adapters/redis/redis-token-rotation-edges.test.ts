import { afterEach, describe, expect, it } from 'vitest';
import { itemKeys } from '../../../src/core/cache-keys.js';
import { realElapse, startTestRedis, TEST_CONNECT_TIMEOUT_MS } from '../../support/redis-harness.js';
import {
  FakeSecret,
  IDS,
  NEW,
  OLD,
  openStack,
  REFRESH_INTERVAL_MS,
  secretEvents,
  startWarmStack,
  waitUntil,
  warm,
} from './support/rotation-stack.js';

// Only catches a hang: a re-read is bounded by its deadline plus a connect timeout.
const HANG_BOUND_MS = 3_000;
const SECRET_READ_TIMEOUT_MS = 200;

describe('Redis token rotation: concurrency, close and unreadable secrets (real redis-server)', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A warm stack on a server whose token just moved from OLD to NEW (both valid, then OLD removed). */
  async function rotatedStack(options: { secretReadTimeoutMs?: number } = {}) {
    const stack = await startWarmStack(cleanups, options);
    const { redis, secret, events } = stack;
    await redis.call('ACL', 'SETUSER', 'default', `>${NEW}`);
    secret.put(JSON.stringify({ token: NEW }));
    await redis.call('ACL', 'SETUSER', 'default', `<${OLD}`);
    await redis.call('CLIENT', 'KILL', 'TYPE', 'normal');
    await waitUntil(() => events.includes('auth-failure'), 'the reconnect is refused');
    return { ...stack, redis, secret, events };
  }

  it('shares one re-read between concurrent callers, and each succeeds in its own call', async () => {
    const { engine, secret, events } = await rotatedStack();
    secret.hold();
    const reads = IDS.map((id) => engine.get(id));
    await waitUntil(() => secret.reads.length > 0, 'the re-read starts');
    await realElapse(50);
    secret.release();
    for (const read of await Promise.all(reads)) expect(read.outcome).toBe('HIT');
    expect(secretEvents(events)).toEqual(['read AWSCURRENT', 'changed AWSCURRENT']);
  });

  it('lets a call already out on the old client get its reply while the new client takes over', async () => {
    // The re-read is held longer than the default deadline while the old client reconnects.
    const { rotating, engine, redis, secret, events } = await rotatedStack({ secretReadTimeoutMs: 30_000 });
    secret.hold();
    const refused = engine.get('p1');
    await waitUntil(() => secret.reads.length > 0, 'the re-read starts');
    // The old token is valid again, so the old client reconnects while the re-read is under way.
    await redis.call('ACL', 'SETUSER', 'default', `>${OLD}`);
    const oldClient = rotating.client;
    await waitUntil(() => oldClient.status === 'ready', 'the old client is ready again');
    // Scripts (writes) wait while the server is paused; the new client's AUTH and GET do not.
    await redis.call('CLIENT', 'PAUSE', '500', 'WRITE');
    const keys = itemKeys('inflight', 'x');
    let inFlightDone = false;
    const inFlight = rotating.invalidate(keys, { version: 7, fenceTtlMs: 60_000 }).finally(() => {
      inFlightDone = true;
    });
    await realElapse(50);
    expect(inFlightDone).toBe(false);

    secret.release();
    expect((await refused).outcome).toBe('HIT');
    expect(rotating.client).not.toBe(oldClient);
    expect(events.filter((event) => event.startsWith('changed'))).toEqual(['changed AWSCURRENT']);
    await expect(inFlight).resolves.toBeUndefined();
    expect(await redis.get(keys.fence)).toBe('7');
    expect(oldClient.status).toBe('end');
  });

  it('ends a re-read under way when closed: close() does not wait for the secret, and no new client is left open', async () => {
    const { rotating, engine, redis, secret, events } = await rotatedStack();
    secret.hold();
    const refused = engine.get('p1');
    await waitUntil(() => secret.reads.length > 0, 'the re-read starts');

    await rotating.close();
    const read = await refused;
    expect(read).toMatchObject({ outcome: 'BYPASS', record: { value: 'value of p1' } });
    secret.release();
    await realElapse(100);
    expect(events.filter((event) => event.startsWith('changed') || event === 'read-failed')).toEqual([]);
    const clients = String(await redis.call('CLIENT', 'LIST'))
      .trim()
      .split('\n');
    expect(clients).toHaveLength(1);
  });

  it.each([
    ['never answers', () => new Promise<string | undefined>(() => undefined)],
    ['always fails', async () => Promise.reject(new Error('AccessDeniedException'))],
  ])(
    'keeps every read bounded and BYPASS while the secret %s, re-reading once per interval',
    async (_, readSecret) => {
      const server = await startTestRedis(['--requirepass', NEW]);
      cleanups.push(() => server.stop());
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      cleanups.push(async () => process.off('unhandledRejection', onUnhandled));
      const events: string[] = [];
      let nowMs = 0;
      const { rotating, engine } = openStack(server.url, new FakeSecret(), events, {
        now: () => nowMs,
        readSecret,
        secretReadTimeoutMs: SECRET_READ_TIMEOUT_MS,
      });
      cleanups.push(() => rotating.close());

      // The init phase connects first, as create-cache-store.ts does: refused, and the re-read gives nothing.
      await expect(rotating.connect(TEST_CONNECT_TIMEOUT_MS)).rejects.toMatchObject({
        code: 'CACHE_STORE_AUTH_FAILED',
      });
      const rounds = 4;
      for (let round = 1; round <= rounds; round++) {
        nowMs = round * REFRESH_INTERVAL_MS;
        for (const id of ['p1', 'p2']) {
          const startedAt = performance.now();
          const read = await engine.get(id);
          expect(performance.now() - startedAt, id).toBeLessThan(HANG_BOUND_MS);
          expect(read).toMatchObject({ outcome: 'BYPASS', record: { value: `value of ${id}` } });
        }
      }
      expect(events.filter((event) => event === 'read AWSCURRENT')).toHaveLength(rounds + 1);
      expect(events.filter((event) => event === 'read-failed').length).toBeGreaterThanOrEqual(rounds + 1);
      expect(events.filter((event) => event.startsWith('changed'))).toEqual([]);
      await realElapse(50);
      expect(unhandled).toEqual([]);
    },
  );

  it.each([
    ['cannot be parsed', (secret: FakeSecret) => secret.put('{"token": "cut off')],
    [
      'cannot be read',
      (secret: FakeSecret) => {
        secret.put(JSON.stringify({ token: 'newer-token-0123456789' }));
        secret.failingStage = 'AWSCURRENT';
      },
    ],
  ])('falls back to the previous version when the current one %s', async (_, spoil) => {
    const server = await startTestRedis(['--requirepass', OLD]);
    cleanups.push(() => server.stop());
    const secret = new FakeSecret();
    secret.put(JSON.stringify({ token: OLD }));
    spoil(secret);
    const events: string[] = [];
    // A cold start whose read of AWSCURRENT failed, as the spoilt version would make it.
    const { rotating, engine } = openStack(server.url, new FakeSecret(), events, { readSecret: secret.read });
    cleanups.push(() => rotating.close());

    await rotating.connect(TEST_CONNECT_TIMEOUT_MS);
    expect(secretEvents(events)).toEqual([
      'read AWSCURRENT',
      'read-failed',
      'read AWSPREVIOUS',
      'changed AWSPREVIOUS',
    ]);
    await warm(engine);
  });
});
