import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryCacheStore } from '../../src/adapters/memory/memory-cache-store.js';
import { CacheAside } from '../../src/core/cache-aside.js';
import type { CacheObserver, CacheOutcome } from '../../src/core/cache-observer.js';
import type { CacheStore } from '../../src/core/cache-store.js';
import { FakeClock } from '../support/fake-clock.js';
import { RecordingSource } from '../support/recording-source.js';

interface Item {
  name: string;
}

const TTL_SECONDS = 300;

class RecordingObserver implements CacheObserver {
  reads: CacheOutcome[] = [];
  loads: number[] = [];
  storeErrors: string[] = [];
  sourceErrors: unknown[] = [];
  onRead(outcome: CacheOutcome): void {
    this.reads.push(outcome);
  }
  onLoad(durationMs: number): void {
    this.loads.push(durationMs);
  }
  onSourceError(error: unknown): void {
    this.sourceErrors.push(error);
  }
  onStoreError(operation: string): void {
    this.storeErrors.push(operation);
  }
}

/** A store whose calls fail, as a Redis that is down makes them; `failing` can change mid-test. */
class FailingStore implements CacheStore {
  sets = 0;
  constructor(readonly failing: { get: boolean; set: boolean }) {}
  async get(): Promise<string | null> {
    if (this.failing.get) throw new Error('store down');
    return null;
  }
  async set(): Promise<void> {
    this.sets += 1;
    if (this.failing.set) throw new Error('store down');
  }
  async delete(): Promise<void> {}
  async close(): Promise<void> {}
}

describe('CacheAside.get', () => {
  let clock: FakeClock;
  let store: MemoryCacheStore;
  let source: RecordingSource<Item>;
  let observer: RecordingObserver;

  const engine = (overrides: Partial<ConstructorParameters<typeof CacheAside<Item>>[0]> = {}) =>
    new CacheAside<Item>({
      store,
      source,
      keyPrefix: 'aside',
      ttlSeconds: TTL_SECONDS,
      ttlJitterPercent: 0,
      clock,
      observer,
      ...overrides,
    });

  beforeEach(() => {
    clock = new FakeClock();
    store = new MemoryCacheStore(clock);
    source = new RecordingSource<Item>();
    observer = new RecordingObserver();
    source.put('prod-0001', { name: 'Lamp' }, 3);
  });

  it('misses, loads and fills, then hits without loading again', async () => {
    const cache = engine();
    expect(await cache.get('prod-0001')).toEqual({
      outcome: 'MISS',
      record: { value: { name: 'Lamp' }, version: 3 },
    });
    expect(await cache.get('prod-0001')).toEqual({
      outcome: 'HIT',
      record: { value: { name: 'Lamp' }, version: 3 },
    });
    expect(source.loads).toEqual(['prod-0001']);
    expect(observer.reads).toEqual(['MISS', 'HIT']);
  });

  it('stores the versioned envelope under a hash-tagged key', async () => {
    await engine().get('prod-0001');
    const stored = await store.get('aside:p:{prod-0001}');
    expect(JSON.parse(stored ?? 'null')).toEqual({
      f: 1,
      ver: 3,
      val: { name: 'Lamp' },
      soft: clock.now() + TTL_SECONDS * 1000,
      dt: 0,
    });
  });

  it('serves the entry for the TTL and reloads once it has expired', async () => {
    const cache = engine();
    await cache.get('prod-0001');
    clock.advance(TTL_SECONDS * 1000 - 1);
    expect((await cache.get('prod-0001')).outcome).toBe('HIT');
    clock.advance(1);
    source.put('prod-0001', { name: 'Desk lamp' }, 4);
    expect(await cache.get('prod-0001')).toEqual({
      outcome: 'MISS',
      record: { value: { name: 'Desk lamp' }, version: 4 },
    });
  });

  it('gives entries filled together different expiries when jitter is on', async () => {
    source.put('prod-0002', { name: 'Chair' });
    const randoms = [0, 0.999_999];
    const cache = engine({ ttlJitterPercent: 10, random: () => randoms.shift() ?? 0.5 });
    await cache.get('prod-0001');
    await cache.get('prod-0002');
    clock.advance(TTL_SECONDS * 900);
    expect((await cache.get('prod-0001')).outcome).toBe('MISS');
    expect((await cache.get('prod-0002')).outcome).toBe('HIT');
  });

  it('answers null for an unknown id and caches nothing', async () => {
    const cache = engine();
    expect(await cache.get('prod-9999')).toEqual({ outcome: 'MISS', record: null });
    expect(await store.get('aside:p:{prod-9999}')).toBeNull();
  });

  it('coalesces concurrent misses for one id into one load', async () => {
    source.put('prod-0002', { name: 'Chair' });
    const cache = engine();
    source.hold();
    const reads = [...Array.from({ length: 10 }, () => cache.get('prod-0001')), cache.get('prod-0002')];
    source.release();
    const results = await Promise.all(reads);
    expect(source.loads.sort()).toEqual(['prod-0001', 'prod-0002']);
    expect(results.every((r) => r.outcome === 'MISS' && r.record !== null)).toBe(true);
    expect((await cache.get('prod-0001')).outcome).toBe('HIT');
  });

  it('passes a source failure to every waiting caller and retries on the next read', async () => {
    const cache = engine();
    source.failWith = new Error('throttled');
    source.hold();
    const reads = [cache.get('prod-0001'), cache.get('prod-0001')];
    await vi.waitFor(() => expect(source.loads).toHaveLength(1));
    source.release();
    for (const read of reads) await expect(read).rejects.toThrow('throttled');
    source.failWith = undefined;
    expect((await cache.get('prod-0001')).outcome).toBe('MISS');
    expect(source.loads).toHaveLength(2);
  });

  it('reports the miss, the load time and the source error when the source fails', async () => {
    source.failWith = new Error('throttled');
    const slowFailingSource = {
      load: async (id: string) => {
        clock.advance(30);
        return source.load(id);
      },
    };
    await expect(engine({ source: slowFailingSource }).get('prod-0001')).rejects.toThrow('throttled');
    expect(observer.reads).toEqual(['MISS']);
    expect(observer.loads).toEqual([30]);
    expect(observer.sourceErrors).toEqual([source.failWith]);
  });

  it('does not let a caller that bypassed a failing store stop a healthy caller from filling', async () => {
    const flaky = new FailingStore({ get: true, set: false });
    const cache = engine({ store: flaky });
    source.hold();
    const bypassing = cache.get('prod-0001');
    await vi.waitFor(() => expect(source.loads).toHaveLength(1));
    flaky.failing.get = false;
    const healthy = cache.get('prod-0001');
    await vi.waitFor(() => expect(source.loads).toHaveLength(2));
    source.release();
    expect((await bypassing).outcome).toBe('BYPASS');
    expect((await healthy).outcome).toBe('MISS');
    expect(flaky.sets).toBe(1);
  });

  it('bypasses a failing store: reads from the source and does not try to fill', async () => {
    const failing = new FailingStore({ get: true, set: true });
    const cache = engine({ store: failing });
    expect(await cache.get('prod-0001')).toEqual({
      outcome: 'BYPASS',
      record: { value: { name: 'Lamp' }, version: 3 },
    });
    expect(failing.sets).toBe(0);
    expect(observer.storeErrors).toEqual(['get']);
    expect(observer.reads).toEqual(['BYPASS']);
  });

  it('still answers when only the fill fails', async () => {
    const cache = engine({ store: new FailingStore({ get: false, set: true }) });
    expect((await cache.get('prod-0001')).record?.value).toEqual({ name: 'Lamp' });
    expect(observer.storeErrors).toEqual(['set']);
  });

  it('treats an entry it cannot read as a miss and replaces it', async () => {
    await store.set('aside:p:{prod-0001}', '{"f":0}', 60_000);
    const cache = engine();
    expect((await cache.get('prod-0001')).outcome).toBe('MISS');
    expect((await cache.get('prod-0001')).outcome).toBe('HIT');
  });

  it('reports how long each load took', async () => {
    const slowSource = {
      load: async (id: string) => {
        clock.advance(42);
        return source.load(id);
      },
    };
    await engine({ source: slowSource }).get('prod-0001');
    expect(observer.loads).toEqual([42]);
    expect(JSON.parse((await store.get('aside:p:{prod-0001}')) ?? '{}').dt).toBe(42);
  });
});
