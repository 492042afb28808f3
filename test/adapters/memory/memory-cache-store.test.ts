import { describe, expect, it } from 'vitest';
import { MemoryCacheStore } from '../../../src/adapters/memory/memory-cache-store.js';
import { encodeEntry } from '../../../src/core/cache-entry.js';
import { itemKeys } from '../../../src/core/cache-keys.js';
import { FakeClock } from '../../support/fake-clock.js';
import { describeCacheStoreContract } from '../cache-store-contract.js';

describeCacheStoreContract('memory (fake clock)', async () => {
  const time = new FakeClock();
  return { store: new MemoryCacheStore(time), elapse: async (ms) => time.advance(ms), now: () => time.now() };
});

describeCacheStoreContract('memory (system clock)', async () => ({
  store: new MemoryCacheStore(),
  elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
}));

describe('MemoryCacheStore', () => {
  it('expires an entry exactly at its ttl on the injected clock', async () => {
    const time = new FakeClock();
    const store = new MemoryCacheStore(time);
    const keys = itemKeys('aside', 'k');
    await store.acquire(keys, { token: 't', leaseTtlMs: 500, staleAtMs: time.now() });
    const entry = encodeEntry({ ver: 1, val: 'v', soft: time.now(), dt: 0 });
    await store.fill(keys, { token: 't', entry, ttlMs: 1000, version: 1 });
    time.advance(999);
    expect(await store.get(keys.entry)).toBe(entry);
    time.advance(1);
    expect(await store.get(keys.entry)).toBeNull();
  });
});
