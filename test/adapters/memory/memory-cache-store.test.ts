import { describe, expect, it } from 'vitest';
import { MemoryCacheStore } from '../../../src/adapters/memory/memory-cache-store.js';
import { FakeClock } from '../../support/fake-clock.js';
import { describeCacheStoreContract } from '../cache-store-contract.js';

describeCacheStoreContract('memory (fake clock)', async () => {
  const time = new FakeClock();
  return {
    store: new MemoryCacheStore(time),
    async elapse(ms) {
      time.advance(ms);
    },
  };
});

describeCacheStoreContract('memory (system clock)', async () => ({
  store: new MemoryCacheStore(),
  elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}));

describe('MemoryCacheStore', () => {
  it('expires a key exactly at its ttl on the injected clock', async () => {
    const time = new FakeClock();
    const store = new MemoryCacheStore(time);
    await store.set('k', 'v', 1000);
    time.advance(999);
    expect(await store.get('k')).toBe('v');
    time.advance(1);
    expect(await store.get('k')).toBeNull();
  });
});
