import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryCacheStore } from '../../src/adapters/memory/memory-cache-store.js';
import { CacheAside, type CacheAsideOptions, type CacheRead } from '../../src/core/cache-aside.js';
import { encodeEntry } from '../../src/core/cache-entry.js';
import { itemKeys } from '../../src/core/cache-keys.js';
import type { CacheEvent, CacheObserver, CacheOutcome } from '../../src/core/cache-observer.js';
import { type CachePolicy, DEFAULT_CACHE_POLICY } from '../../src/core/cache-policy.js';
import { systemClock } from '../../src/core/clock.js';
import { SourceError } from '../../src/core/source-error.js';
import { FailingStore } from '../support/failing-store.js';
import { RecordingSource } from '../support/recording-source.js';

interface Item {
  name: string;
}

const START_MS = Date.UTC(2026, 0, 1);
const POLICY: CachePolicy = {
  ...DEFAULT_CACHE_POLICY,
  ttlSeconds: 300,
  graceSeconds: 3600,
  ttlJitterPercent: 0,
  negativeTtlSeconds: 30,
  leaseTtlMs: 2_000,
  leaseWaitMs: 400,
  earlyRefreshBeta: 0,
};
const TTL_MS = POLICY.ttlSeconds * 1000;
const GRACE_MS = POLICY.graceSeconds * 1000;
const KEYS = itemKeys('aside', 'prod-0001');

class RecordingObserver implements CacheObserver {
  reads: CacheOutcome[] = [];
  events: CacheEvent[] = [];
  loads: number[] = [];
  storeErrors: string[] = [];
  sourceErrors: unknown[] = [];
  onRead(outcome: CacheOutcome): void {
    this.reads.push(outcome);
  }
  onEvent(event: CacheEvent): void {
    this.events.push(event);
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
  count(event: CacheEvent): number {
    return this.events.filter((e) => e === event).length;
  }
}

/**
 * The engine against the memory store, with vitest's fake timers as the clock: `systemClock` reads the
 * faked Date and sleeps on faked timers, so waits, loads and expiries run on virtual time.
 */
describe('CacheAside', () => {
  let store: MemoryCacheStore;
  let source: RecordingSource<Item>;
  let observer: RecordingObserver;

  /** One engine is one process (its own in-process coalescing); several engines share one store. */
  const engine = (overrides: Partial<CacheAsideOptions<Item>> = {}) =>
    new CacheAside<Item>({
      store,
      source,
      keyPrefix: 'aside',
      policy: POLICY,
      clock: systemClock,
      observer,
      ...overrides,
    });
  const later = (ms: number) => vi.advanceTimersByTimeAsync(ms);
  /** Runs the reads while virtual time passes, and returns their results. */
  const settle = async <T>(reads: Promise<T>[], ms = 10_000): Promise<T[]> => {
    const all = Promise.all(reads);
    await later(ms);
    return all;
  };

  beforeEach(() => {
    vi.useFakeTimers({ now: START_MS });
    store = new MemoryCacheStore(systemClock);
    source = new RecordingSource<Item>();
    observer = new RecordingObserver();
    source.put('prod-0001', { name: 'Lamp' }, 3);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  describe('the hot path', () => {
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

    it('stores the versioned envelope under the hash-tagged key, kept for the TTL plus grace', async () => {
      source.delayMs = 12;
      await settle([engine().get('prod-0001')], 12);
      expect(await store.get('aside:p:{prod-0001}')).toBe(
        encodeEntry({ ver: 3, val: { name: 'Lamp' }, soft: START_MS + 12 + TTL_MS, dt: 12 }),
      );
      await later(TTL_MS + GRACE_MS - 1);
      expect(await store.get(KEYS.entry)).not.toBeNull();
      await later(1);
      expect(await store.get(KEYS.entry)).toBeNull();
    });

    it('gives entries filled together different expiries when jitter is on', async () => {
      source.put('prod-0002', { name: 'Chair' });
      const randoms = [0, 0.999_999];
      const cache = engine({
        policy: { ...POLICY, ttlJitterPercent: 10 },
        random: () => randoms.shift() ?? 0.5,
      });
      await cache.get('prod-0001');
      await cache.get('prod-0002');
      await later(TTL_MS * 0.95);
      expect((await cache.get('prod-0001')).outcome).not.toBe('HIT');
      expect((await cache.get('prod-0002')).outcome).toBe('HIT');
    });

    it('does not hand a caller that joined after a change the older item the flight had loaded', async () => {
      source.delayMs = 100;
      const cache = engine();
      const leader = cache.get('prod-0001');
      await later(10);
      source.put('prod-0001', { name: 'Desk lamp' }, 4);
      await store.invalidate(KEYS, { version: 4, fenceTtlMs: 10_000 });
      // Starts after the change was acknowledged: finds no entry and joins the flight under way.
      const joiner = cache.get('prod-0001');
      const [led, joined] = await settle([leader, joiner]);
      expect(led?.record?.version).toBe(3);
      expect(joined).toMatchObject({ outcome: 'MISS', record: { version: 4 } });
      expect(source.consistentReads).toEqual([false, true]);
    });

    it('coalesces concurrent misses in one process into one load', async () => {
      source.put('prod-0002', { name: 'Chair' });
      source.delayMs = 20;
      const cache = engine();
      const reads = [...Array.from({ length: 10 }, () => cache.get('prod-0001')), cache.get('prod-0002')];
      const results = await settle(reads);
      expect(source.loads.sort()).toEqual(['prod-0001', 'prod-0002']);
      expect(results.map((r) => r.outcome)).toEqual(Array(11).fill('MISS'));
      expect(observer.reads).toHaveLength(11);
    });
  });

  describe('leases across processes', () => {
    it('lets one of many processes load a cold key; the others wait for its fill', async () => {
      source.delayMs = 50;
      const processes = Array.from({ length: 10 }, () => engine());
      const results = await settle(processes.map((cache) => cache.get('prod-0001')));
      expect(source.loads).toEqual(['prod-0001']);
      expect(results.map((r) => r.outcome).sort()).toEqual([...Array(9).fill('HIT'), 'MISS']);
      expect(results.every((r) => r.record?.value.name === 'Lamp')).toBe(true);
      expect(observer.count('LEASE_WAIT')).toBe(9);
      expect(observer.count('LEASE_WAIT_TIMEOUT')).toBe(0);
    });

    it('stops waiting at the bound and loads without filling when the holder is slow', async () => {
      source.delayMs = 1_000;
      const processes = Array.from({ length: 4 }, () => engine());
      const startedAt = Date.now();
      const reads = processes.map((cache) =>
        cache.get('prod-0001').then((read) => ({ ...read, tookMs: Date.now() - startedAt })),
      );
      const results = await settle(reads);
      expect(source.loads).toHaveLength(4);
      expect(observer.count('LEASE_WAIT_TIMEOUT')).toBe(3);
      // Waiters gave up at the bound, then paid one load: never the holder's full wait plus theirs.
      expect(results.map((r) => r.tookMs).sort((a, b) => a - b)).toEqual([1_000, 1_400, 1_400, 1_400]);
      expect(results.every((r) => r.outcome === 'MISS')).toBe(true);
      // Only the lease holder filled.
      expect(observer.count('FILL_LEASE_LOST')).toBe(0);
      expect((await engine().get('prod-0001')).outcome).toBe('HIT');
    });

    it('refuses the fill of a holder whose lease expired and was taken over', async () => {
      source.delayMs = 3_000;
      const slow = engine().get('prod-0001');
      await later(POLICY.leaseTtlMs + 100);
      source.delayMs = 10;
      source.put('prod-0001', { name: 'Desk lamp' }, 4);
      const fast = engine().get('prod-0001');
      const [slowRead, fastRead] = await settle([slow, fast]);
      expect(fastRead?.outcome).toBe('MISS');
      // The slow holder answers with what it loaded, but the cache keeps the newer fill.
      expect(slowRead?.record?.version).toBe(3);
      expect(observer.count('FILL_LEASE_LOST')).toBe(1);
      expect((await engine().get('prod-0001')).record?.version).toBe(4);
    });

    it('refuses the fill of a read that a change overtook (the stale set)', async () => {
      source.delayMs = 100;
      const read = engine().get('prod-0001');
      await later(50);
      source.put('prod-0001', { name: 'Desk lamp' }, 4);
      await store.invalidate(KEYS, { version: 4, fenceTtlMs: 10_000 });
      const [answered] = await settle([read]);
      expect(answered?.record?.version).toBe(3);
      expect(observer.count('FILL_LEASE_LOST')).toBe(1);
      expect(await store.get(KEYS.entry)).toBeNull();
    });

    it('loads with a consistent read while a fence is up, and an eventually consistent one after', async () => {
      await store.invalidate(KEYS, { version: 4, fenceTtlMs: 10_000 });
      await engine().get('prod-0001');
      await later(TTL_MS + 10_000);
      await engine().get('prod-0001');
      expect(source.consistentReads).toEqual([true, false]);
    });

    it('bypasses when a waiting poll finds the store down', async () => {
      source.delayMs = 100;
      const failing = new FailingStore(store, new Set());
      const holder = engine().get('prod-0001');
      await later(1);
      const waiter = engine({ store: failing }).get('prod-0001');
      await later(7);
      failing.failing.add('acquire');
      const [, waited] = await settle([holder, waiter]);
      expect(waited?.outcome).toBe('BYPASS');
      expect(observer.storeErrors).toEqual(['acquire']);
    });

    it('takes the lease over at once when a change took it from the holder, instead of waiting out the bound', async () => {
      source.delayMs = 300;
      const holder = engine().get('prod-0001');
      await later(1);
      const startedAt = Date.now();
      const waiter = engine()
        .get('prod-0001')
        .then((read) => ({ ...read, tookMs: Date.now() - startedAt }));
      await later(20);
      source.put('prod-0001', { name: 'Desk lamp' }, 4);
      await store.invalidate(KEYS, { version: 4, fenceTtlMs: 10_000 });
      const [, waited] = (await settle([holder, waiter])) as [unknown, CacheRead<Item> & { tookMs: number }];
      // The waiter's next poll found the lease free, loaded consistently (fenced) and filled v4.
      expect(waited).toMatchObject({ outcome: 'MISS', record: { version: 4 } });
      expect(waited?.tookMs).toBeLessThan(POLICY.leaseWaitMs);
      expect(source.consistentReads).toEqual([false, true]);
      expect(observer.count('LEASE_WAIT_TIMEOUT')).toBe(0);
      expect(await engine().get('prod-0001')).toMatchObject({ outcome: 'HIT', record: { version: 4 } });
    });
  });

  describe('stale-while-revalidate', () => {
    it('serves the stale entry at once while one process refreshes it inline', async () => {
      await engine().get('prod-0001');
      await later(TTL_MS);
      source.put('prod-0001', { name: 'Desk lamp' }, 4);
      source.delayMs = 100;
      const refresher = engine().get('prod-0001');
      await later(1);
      const others = await Promise.all([engine().get('prod-0001'), engine().get('prod-0001')]);
      expect(others.map((r) => [r.outcome, r.record?.version])).toEqual([
        ['STALE', 3],
        ['STALE', 3],
      ]);
      const [refreshed] = await settle([refresher]);
      expect(refreshed).toEqual({ outcome: 'MISS', record: { value: { name: 'Desk lamp' }, version: 4 } });
      expect(await engine().get('prod-0001')).toMatchObject({ outcome: 'HIT', record: { version: 4 } });
      expect(source.loads).toHaveLength(2);
    });

    it('serves the stale entry at once within one process too, while that process refreshes it', async () => {
      const cache = engine();
      await cache.get('prod-0001');
      await later(TTL_MS);
      source.delayMs = 100;
      const refresher = cache.get('prod-0001');
      await later(1);
      expect(await cache.get('prod-0001')).toMatchObject({ outcome: 'STALE', record: { version: 3 } });
      const [refreshed] = await settle([refresher]);
      expect(refreshed?.outcome).toBe('MISS');
      expect(source.loads).toHaveLength(2);
    });

    it('serves the stale entry when the refresh fails, and 503s only without one', async () => {
      await engine().get('prod-0001');
      await later(TTL_MS);
      const throttled = new SourceError('SOURCE_THROTTLED', 'throttled');
      source.failWith = throttled;
      expect(await engine().get('prod-0001')).toMatchObject({ outcome: 'STALE', record: { version: 3 } });
      expect(observer.sourceErrors).toEqual([throttled]);
      await later(GRACE_MS);
      await expect(engine().get('prod-0001')).rejects.toBe(throttled);
      expect(observer.reads).toEqual(['MISS', 'STALE', 'MISS']);
    });

    it('reloads after the grace period has passed', async () => {
      const cache = engine();
      await cache.get('prod-0001');
      await later(TTL_MS + GRACE_MS);
      expect((await cache.get('prod-0001')).outcome).toBe('MISS');
      expect(source.loads).toHaveLength(2);
    });
  });

  describe('negative caching', () => {
    it('caches a "not found": a repeated read is a HIT that costs no load', async () => {
      const cache = engine();
      expect(await cache.get('prod-9999')).toEqual({ outcome: 'MISS', record: null });
      expect(await cache.get('prod-9999')).toEqual({ outcome: 'HIT', record: null });
      expect(source.loads).toEqual(['prod-9999']);
      expect(observer.count('NEGATIVE_HIT')).toBe(1);
    });

    it('forgets it after the negative TTL: a product created meanwhile is found', async () => {
      const cache = engine();
      await cache.get('prod-9999');
      await later(POLICY.negativeTtlSeconds * 1000);
      source.put('prod-9999', { name: 'New' }, 1);
      expect(await cache.get('prod-9999')).toEqual({
        outcome: 'MISS',
        record: { value: { name: 'New' }, version: 1 },
      });
      expect(await cache.get('prod-9999')).toMatchObject({ outcome: 'HIT', record: { version: 1 } });
    });

    it('keeps it only as long again as its TTL', async () => {
      await engine().get('prod-9999');
      await later(2 * POLICY.negativeTtlSeconds * 1000);
      expect(await store.get(itemKeys('aside', 'prod-9999').entry)).toBeNull();
    });
  });

  describe('early refresh (XFetch)', () => {
    const early = { ...POLICY, earlyRefreshBeta: 1 };

    it('refreshes a hot entry shortly before it expires, answering as a HIT with the newer item', async () => {
      source.delayMs = 100;
      await settle([engine().get('prod-0001')], 100);
      await later(TTL_MS - 50);
      source.put('prod-0001', { name: 'Desk lamp' }, 4);
      const [read] = await settle([engine({ policy: early, random: () => 0.99 }).get('prod-0001')], 100);
      expect(read).toEqual({ outcome: 'HIT', record: { value: { name: 'Desk lamp' }, version: 4 } });
      expect(observer.count('EARLY_REFRESH')).toBe(1);
      await later(1_000);
      expect(await engine().get('prod-0001')).toMatchObject({ outcome: 'HIT', record: { version: 4 } });
    });

    it('lets only one process refresh early; the others serve the fresh entry', async () => {
      source.delayMs = 100;
      await settle([engine().get('prod-0001')], 100);
      await later(TTL_MS - 50);
      const reads = Array.from({ length: 5 }, () =>
        engine({ policy: early, random: () => 0.99 }).get('prod-0001'),
      );
      const results = await settle(reads, 100);
      expect(results.every((r) => r.outcome === 'HIT')).toBe(true);
      expect(source.loads).toHaveLength(2);
      expect(observer.count('EARLY_REFRESH')).toBe(1);
    });

    it('leaves entries far from expiry alone, and keeps serving when the early load fails', async () => {
      source.delayMs = 100;
      await settle([engine().get('prod-0001')], 100);
      expect((await engine({ policy: early, random: () => 0.99 }).get('prod-0001')).outcome).toBe('HIT');
      expect(source.loads).toHaveLength(1);
      await later(TTL_MS - 50);
      source.failWith = new SourceError('SOURCE_UNAVAILABLE', 'down');
      const [read] = await settle([engine({ policy: early, random: () => 0.99 }).get('prod-0001')], 100);
      expect(read).toMatchObject({ outcome: 'HIT', record: { version: 3 } });
      expect(observer.sourceErrors).toHaveLength(1);
    });
  });

  describe('corrupt or foreign entries', () => {
    it.each([
      ['garbage', 'not json at all'],
      ['another format', '{"f":2,"ver":1,"soft":1,"dt":0,"val":{}}'],
      ['a foreign JSON value', '{"name":"Lamp"}'],
    ])('reads %s as a miss, counts it and replaces it with the next fill', async (_label, text) => {
      await store.acquire(KEYS, { token: 'other', leaseTtlMs: 1_000, staleAtMs: Number.MAX_SAFE_INTEGER });
      await store.fill(KEYS, { token: 'other', entry: text, ttlMs: 60_000, version: undefined });
      const cache = engine();
      expect((await cache.get('prod-0001')).outcome).toBe('MISS');
      expect(observer.count('CORRUPT_ENTRY')).toBe(1);
      expect((await cache.get('prod-0001')).outcome).toBe('HIT');
    });
  });

  describe('a failing store', () => {
    it('bypasses it: reads from the source and does not try to fill', async () => {
      const failing = new FailingStore(store, new Set(['get', 'acquire', 'fill']));
      expect(await engine({ store: failing }).get('prod-0001')).toEqual({
        outcome: 'BYPASS',
        record: { value: { name: 'Lamp' }, version: 3 },
      });
      expect(failing.calls).toEqual(['get']);
      expect(observer.storeErrors).toEqual(['get']);
      expect(observer.reads).toEqual(['BYPASS']);
    });

    it('does not hand a bypassing caller the answer of a bypass load that began before it', async () => {
      const failing = new FailingStore(store, new Set(['get']));
      const cache = engine({ store: failing });
      source.delayMs = 100;
      const first = cache.get('prod-0001');
      await later(10);
      source.put('prod-0001', { name: 'Desk lamp' }, 4);
      const second = cache.get('prod-0001');
      const [early, late] = await settle([first, second]);
      expect(early).toMatchObject({ outcome: 'BYPASS', record: { version: 3 } });
      expect(late).toMatchObject({ outcome: 'BYPASS', record: { version: 4 } });
    });

    it('bypasses when only the lease step fails', async () => {
      const failing = new FailingStore(store, new Set(['acquire']));
      expect((await engine({ store: failing }).get('prod-0001')).outcome).toBe('BYPASS');
      expect(failing.calls).toEqual(['get', 'acquire']);
    });

    it('still answers when only the fill fails', async () => {
      const failing = new FailingStore(store, new Set(['fill']));
      expect(await engine({ store: failing }).get('prod-0001')).toMatchObject({
        outcome: 'MISS',
        record: { version: 3 },
      });
      expect(observer.storeErrors).toEqual(['fill']);
    });

    it('does not let a caller that bypassed stop a healthy caller in the same process from filling', async () => {
      const flaky = new FailingStore(store, new Set(['get']));
      const cache = engine({ store: flaky });
      source.delayMs = 100;
      const bypassing = cache.get('prod-0001');
      await later(10);
      flaky.failing.delete('get');
      const healthy = cache.get('prod-0001');
      const [bypassed, filled] = await settle([bypassing, healthy]);
      expect(bypassed?.outcome).toBe('BYPASS');
      expect(filled?.outcome).toBe('MISS');
      expect(flaky.calls.filter((call) => call === 'fill')).toHaveLength(1);
    });
  });

  describe('a failing source', () => {
    it('passes the failure to every waiting caller, counts each read, and retries on the next read', async () => {
      const cache = engine();
      source.failWith = new SourceError('SOURCE_THROTTLED', 'throttled');
      source.delayMs = 10;
      const reads = [cache.get('prod-0001'), cache.get('prod-0001')].map((read) =>
        read.catch((error) => error),
      );
      const errors = await settle(reads);
      expect(errors).toEqual([source.failWith, source.failWith]);
      expect(observer.reads).toEqual(['MISS', 'MISS']);
      source.failWith = undefined;
      // The remembered failure has expired meanwhile: the next read loads again.
      const [read] = await settle([cache.get('prod-0001')]);
      expect(read?.outcome).toBe('MISS');
      expect(source.loads).toHaveLength(2);
    });

    it('remembers a failure with nothing stale to serve: other processes answer with it at once, unasked', async () => {
      source.failWith = new SourceError('SOURCE_THROTTLED', 'throttled');
      source.delayMs = 50;
      const startedAt = Date.now();
      const reads = Array.from({ length: 10 }, () =>
        engine()
          .get('prod-0001')
          .catch((error: unknown) => ({ error, tookMs: Date.now() - startedAt })),
      );
      const answers = (await settle(reads)) as { error: unknown; tookMs: number }[];
      // One load for ten processes; the nine waiters got the holder's failure as soon as it was stored.
      expect(source.loads).toEqual(['prod-0001']);
      expect(answers.map(({ error }) => (error as SourceError).code)).toEqual(
        Array(10).fill('SOURCE_THROTTLED'),
      );
      expect(Math.max(...answers.map(({ tookMs }) => tookMs))).toBeLessThan(POLICY.leaseWaitMs);
      expect(observer.count('REMEMBERED_FAILURE')).toBe(9);
      expect(observer.count('LEASE_WAIT_TIMEOUT')).toBe(0);
      expect(observer.reads).toEqual(Array(10).fill('MISS'));
    });

    it('asks the source again once the remembered failure expires', async () => {
      source.failWith = new SourceError('SOURCE_UNAVAILABLE', 'down');
      await settle(
        [
          engine()
            .get('prod-0001')
            .catch(() => undefined),
        ],
        0,
      );
      await expect(engine().get('prod-0001')).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
      expect(source.loads).toHaveLength(1);
      source.failWith = undefined;
      await later(POLICY.sourceFailureTtlMs);
      expect(await engine().get('prod-0001')).toMatchObject({ outcome: 'MISS', record: { version: 3 } });
      expect(source.loads).toHaveLength(2);
    });

    it('lets a write replace a remembered failure at once', async () => {
      source.failWith = new SourceError('SOURCE_THROTTLED', 'throttled');
      await settle(
        [
          engine()
            .get('prod-0001')
            .catch(() => undefined),
        ],
        0,
      );
      const written = encodeEntry({ ver: 4, val: { name: 'Desk' }, soft: Date.now() + TTL_MS, dt: 0 });
      await store.writeThrough(KEYS, { entry: written, version: 4, ttlMs: TTL_MS, fenceTtlMs: 10_000 });
      expect(await engine().get('prod-0001')).toMatchObject({ outcome: 'HIT', record: { version: 4 } });
    });

    it('without a failure TTL, waiters sit out the wait bound and each asks the failing source', async () => {
      source.failWith = new SourceError('SOURCE_THROTTLED', 'throttled');
      source.delayMs = 50;
      const policy = { ...POLICY, sourceFailureTtlMs: 0 };
      const reads = Array.from({ length: 4 }, () =>
        engine({ policy })
          .get('prod-0001')
          .catch((error: unknown) => error),
      );
      await settle(reads);
      expect(source.loads).toHaveLength(4);
      expect(observer.count('LEASE_WAIT_TIMEOUT')).toBe(3);
    });

    it('reports the load time and the source error', async () => {
      source.failWith = new SourceError('SOURCE_UNAVAILABLE', 'down');
      source.delayMs = 30;
      const [error] = await settle([
        engine()
          .get('prod-0001')
          .catch((e) => e),
      ]);
      expect(error).toBe(source.failWith);
      expect(observer.loads).toEqual([30]);
      expect(observer.sourceErrors).toEqual([source.failWith]);
    });
  });
});
