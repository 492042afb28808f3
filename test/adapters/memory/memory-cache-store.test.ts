import { describe, expect, it } from 'vitest';
import { MemoryCacheStore } from '../../../src/adapters/memory/memory-cache-store.js';
import type { Clock } from '../../../src/core/clock.js';
import { describeCacheStoreContract } from '../cache-store-contract.js';

function manualClock(startMs = Date.UTC(2026, 0, 1)) {
  let nowMs = startMs;
  const clock: Clock = { now: () => nowMs };
  return {
    clock,
    advance(ms: number) {
      nowMs += ms;
    },
  };
}

describeCacheStoreContract('memory (fake clock)', async () => {
  const time = manualClock();
  return {
    store: new MemoryCacheStore(time.clock),
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
    const time = manualClock();
    const store = new MemoryCacheStore(time.clock);
    await store.set('k', 'v', 1000);
    time.advance(999);
    expect(await store.get('k')).toBe('v');
    time.advance(1);
    expect(await store.get('k')).toBeNull();
  });
});
