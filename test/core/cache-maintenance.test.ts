import { describe, expect, it } from 'vitest';
import { MemoryCacheStore } from '../../src/adapters/memory/memory-cache-store.js';
import { itemKeys } from '../../src/core/cache-keys.js';
import { CacheMaintenance } from '../../src/core/cache-maintenance.js';
import { type CachePolicy, DEFAULT_CACHE_POLICY } from '../../src/core/cache-policy.js';
import { parseCachedEntry } from '../support/cached-entry.js';
import { FakeClock } from '../support/fake-clock.js';

const POLICY: CachePolicy = { ...DEFAULT_CACHE_POLICY, ttlJitterPercent: 0 };
const KEYS = itemKeys('aside', 'prod-0001');

describe('CacheMaintenance', () => {
  const setup = (policy = POLICY) => {
    const clock = new FakeClock();
    const store = new MemoryCacheStore(clock);
    return {
      clock,
      store,
      maintenance: new CacheMaintenance<{ name: string }>({ store, keyPrefix: 'aside', policy, clock }),
    };
  };

  it('writes the new version through as a fresh entry kept for the TTL plus grace', async () => {
    const { clock, store, maintenance } = setup();
    expect(await maintenance.apply({ id: 'prod-0001', version: 7, value: { name: 'Lamp' } })).toBe('STORED');
    const text = await store.get(KEYS.entry);
    expect(parseCachedEntry(text ?? '')).toEqual({
      ver: 7,
      val: { name: 'Lamp' },
      soft: clock.now() + POLICY.ttlSeconds * 1000,
      dt: 0,
    });
    clock.advance((POLICY.ttlSeconds + POLICY.graceSeconds) * 1000);
    expect(await store.get(KEYS.entry)).toBeNull();
  });

  it('never moves the cache back to an older version', async () => {
    const { store, maintenance } = setup();
    await maintenance.apply({ id: 'prod-0001', version: 7, value: { name: 'New' } });
    expect(await maintenance.apply({ id: 'prod-0001', version: 6, value: { name: 'Old' } })).toBe(
      'SUPERSEDED',
    );
    expect(parseCachedEntry(((await store.get(KEYS.entry)) as string) ?? '')?.ver).toBe(7);
  });

  it('invalidates a deletion, and every write in invalidate mode, raising the fence', async () => {
    const { store, maintenance } = setup({ ...POLICY, writeMode: 'invalidate' });
    await store.acquire(KEYS, { token: 't', leaseTtlMs: 1_000, staleAtMs: 0 });
    expect(await maintenance.apply({ id: 'prod-0001', version: 8, value: { name: 'Lamp' } })).toBe(
      'INVALIDATED',
    );
    expect(await store.get(KEYS.entry)).toBeNull();
    expect(await store.acquire(KEYS, { token: 'u', leaseTtlMs: 1_000, staleAtMs: 0 })).toMatchObject({
      granted: true,
      fenced: true,
    });
    const writeThrough = setup();
    await writeThrough.maintenance.apply({ id: 'prod-0001', version: 8, value: { name: 'Lamp' } });
    expect(await writeThrough.maintenance.apply({ id: 'prod-0001', version: 9, value: null })).toBe(
      'INVALIDATED',
    );
    expect(await writeThrough.store.get(KEYS.entry)).toBeNull();
  });

  it('can be told to invalidate a single change whatever the write mode', async () => {
    const { store, maintenance } = setup();
    expect(await maintenance.apply({ id: 'prod-0001', version: 0, value: { name: 'x' } }, 'invalidate')).toBe(
      'INVALIDATED',
    );
    expect(await store.get(KEYS.entry)).toBeNull();
  });

  it('rejects with the store error so the caller can decide', async () => {
    const { store, maintenance } = setup();
    await store.close();
    await expect(
      maintenance.apply({ id: 'prod-0001', version: 1, value: { name: 'x' } }),
    ).rejects.toMatchObject({
      code: 'CACHE_STORE_UNAVAILABLE',
    });
  });
});
