import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BreakerCacheStore } from '../../../src/adapters/breaker/breaker-cache-store.js';
import type { RedisCacheStore } from '../../../src/adapters/redis/redis-cache-store.js';
import { CacheAside } from '../../../src/core/cache-aside.js';
import { DEFAULT_CACHE_POLICY } from '../../../src/core/cache-policy.js';
import { CacheStoreError } from '../../../src/core/cache-store-error.js';
import { RecordingSource } from '../../support/recording-source.js';
import {
  openRedisStore,
  realElapse,
  startTestRedis,
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
