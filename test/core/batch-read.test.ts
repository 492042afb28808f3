import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryCacheStore } from '../../src/adapters/memory/memory-cache-store.js';
import { BatchRead, type BatchReadOptions, MAX_BATCH_IDS } from '../../src/core/batch-read.js';
import { CacheAside } from '../../src/core/cache-aside.js';
import { encodeEntry } from '../../src/core/cache-entry.js';
import { itemKeys } from '../../src/core/cache-keys.js';
import type { CacheEvent, CacheObserver, CacheOutcome } from '../../src/core/cache-observer.js';
import { type CachePolicy, DEFAULT_CACHE_POLICY } from '../../src/core/cache-policy.js';
import type { BatchLoad, BatchSource, LoadOptions, SourceRecord } from '../../src/core/source.js';
import { SourceError } from '../../src/core/source-error.js';
import { FailingStore } from '../support/failing-store.js';
import { FakeClock } from '../support/fake-clock.js';

interface Item {
  name: string;
}

const POLICY: CachePolicy = {
  ...DEFAULT_CACHE_POLICY,
  ttlJitterPercent: 0,
  earlyRefreshBeta: 0,
  leaseTtlMs: 2_000,
  leaseWaitMs: 400,
};

/** A BatchSource in memory that records its requests and fails as told. */
class FakeBatchSource implements BatchSource<Item> {
  readonly items = new Map<string, SourceRecord<Item>>();
  readonly batches: { ids: string[]; consistent: boolean }[] = [];
  readonly singleLoads: string[] = [];
  /** Rejects every request with this error. */
  failure: SourceError | undefined;
  /** These ids come back failed, as keys DynamoDB left unprocessed past the last attempt. */
  readonly unread = new Set<string>();

  put(id: string, name: string, version: number): void {
    this.items.set(id, { value: { name }, version });
  }

  async load(id: string): Promise<SourceRecord<Item> | null> {
    this.singleLoads.push(id);
    if (this.failure) throw this.failure;
    return this.items.get(id) ?? null;
  }

  async loadMany(ids: readonly string[], { consistent }: LoadOptions): Promise<BatchLoad<Item>> {
    this.batches.push({ ids: [...ids], consistent });
    if (this.failure) throw this.failure;
    const records = new Map<string, SourceRecord<Item> | null>();
    const failed = new Map<string, SourceError>();
    for (const id of ids) {
      if (this.unread.has(id)) failed.set(id, new SourceError('SOURCE_THROTTLED', `${id} unprocessed`));
      else records.set(id, this.items.get(id) ?? null);
    }
    return { records, failed };
  }
}

class RecordingObserver implements CacheObserver {
  reads: CacheOutcome[] = [];
  events: CacheEvent[] = [];
  sourceErrors = 0;
  storeErrors: string[] = [];
  onRead(outcome: CacheOutcome): void {
    this.reads.push(outcome);
  }
  onEvent(event: CacheEvent): void {
    this.events.push(event);
  }
  onLoad(): void {}
  onSourceError(): void {
    this.sourceErrors += 1;
  }
  onStoreError(operation: string): void {
    this.storeErrors.push(operation);
  }
}

const THROTTLED = new SourceError('SOURCE_THROTTLED', 'throttled');

describe('BatchRead', () => {
  let clock: FakeClock;
  let store: MemoryCacheStore;
  let source: FakeBatchSource;
  let observer: RecordingObserver;
  const batch = (overrides: Partial<BatchReadOptions<Item>> = {}) =>
    new BatchRead<Item>({ store, source, keyPrefix: 'aside', policy: POLICY, clock, observer, ...overrides });
  const single = () =>
    new CacheAside<Item>({ store, source, keyPrefix: 'aside', policy: POLICY, clock, observer: undefined });
  /** Plants an entry as a fill would, soft-expiring `softInMs` from now. */
  const plant = async (id: string, val: Item | null, version: number, softInMs: number) => {
    const keys = itemKeys('aside', id);
    await store.acquire(keys, { token: 'plant', leaseTtlMs: 1_000, staleAtMs: Number.MAX_SAFE_INTEGER });
    const entry = encodeEntry({ ver: version, val, soft: clock.now() + softInMs, dt: 2 });
    await store.fill(keys, { token: 'plant', entry, ttlMs: 3_600_000, version: undefined });
  };
  const answer = (name: string, version: number) => ({ value: { name }, version });

  beforeEach(() => {
    clock = new FakeClock();
    store = new MemoryCacheStore(clock);
    source = new FakeBatchSource();
    observer = new RecordingObserver();
    for (const id of ['a', 'b', 'c', 'd']) source.put(id, id.toUpperCase(), 1);
  });

  it('keeps the order asked, loads every miss with one request, fills them, then serves them all as hits', async () => {
    const first = await batch().getMany(['c', 'ghost', 'a', 'b']);
    expect(first).toEqual([
      { id: 'c', outcome: 'MISS', record: answer('C', 1) },
      { id: 'ghost', outcome: 'MISS', record: null },
      { id: 'a', outcome: 'MISS', record: answer('A', 1) },
      { id: 'b', outcome: 'MISS', record: answer('B', 1) },
    ]);
    expect(source.batches).toEqual([{ ids: ['c', 'ghost', 'a', 'b'], consistent: false }]);
    const second = await batch().getMany(['b', 'ghost', 'c']);
    expect(second.map((item) => item.outcome)).toEqual(['HIT', 'HIT', 'HIT']);
    expect(source.batches).toHaveLength(1);
    expect(observer.reads).toEqual(['MISS', 'MISS', 'MISS', 'MISS', 'HIT', 'HIT', 'HIT']);
    expect(observer.events).toEqual(['NEGATIVE_HIT']);
    // A single read finds what the batch filled.
    expect(await single().get('a')).toEqual({ outcome: 'HIT', record: answer('A', 1) });
  });

  it('reads a repeated id once, where it first appears', async () => {
    const items = await batch().getMany(['a', 'b', 'a']);
    expect(items.map((item) => item.id)).toEqual(['a', 'b']);
    expect(source.batches[0]?.ids).toEqual(['a', 'b']);
  });

  it(`refuses more than ${MAX_BATCH_IDS} ids`, async () => {
    const ids = Array.from({ length: MAX_BATCH_IDS + 1 }, (_, index) => `id-${index}`);
    await expect(batch().getMany(ids)).rejects.toBeInstanceOf(RangeError);
  });

  it('serves a mix: fresh hit, negative hit, stale (another holds the lease), and a miss', async () => {
    await plant('a', { name: 'cached A' }, 1, 60_000);
    await plant('ghost', null, 0, 60_000);
    await plant('b', { name: 'old B' }, 1, -1_000);
    await store.acquire(itemKeys('aside', 'b'), {
      token: 'other',
      leaseTtlMs: 2_000,
      staleAtMs: clock.now(),
    });
    const items = await batch().getMany(['a', 'ghost', 'b', 'c']);
    expect(items).toEqual([
      { id: 'a', outcome: 'HIT', record: answer('cached A', 1) },
      { id: 'ghost', outcome: 'HIT', record: null },
      { id: 'b', outcome: 'STALE', record: answer('old B', 1) },
      { id: 'c', outcome: 'MISS', record: answer('C', 1) },
    ]);
    expect(source.batches).toEqual([{ ids: ['c'], consistent: false }]);
  });

  it('loads with ConsistentRead when an item is fenced (it changed recently)', async () => {
    await store.invalidate(itemKeys('aside', 'b'), { version: 2, fenceTtlMs: 10_000 });
    await batch().getMany(['a', 'b']);
    expect(source.batches).toEqual([{ ids: ['a', 'b'], consistent: true }]);
  });

  it('waits for another caller’s fill, then serves it as a hit', async () => {
    const keys = itemKeys('aside', 'a');
    await store.acquire(keys, { token: 'holder', leaseTtlMs: 2_000, staleAtMs: clock.now() });
    const filling: Pick<FakeClock, 'now' | 'sleep'> = {
      now: () => clock.now(),
      sleep: async (ms) => {
        await clock.sleep(ms);
        const entry = encodeEntry({ ver: 5, val: { name: 'filled A' }, soft: clock.now() + 60_000, dt: 1 });
        await store.fill(keys, { token: 'holder', entry, ttlMs: 120_000, version: 5 });
      },
    };
    const items = await batch({ clock: filling }).getMany(['a', 'b']);
    expect(items).toEqual([
      { id: 'a', outcome: 'HIT', record: answer('filled A', 5) },
      { id: 'b', outcome: 'MISS', record: answer('B', 1) },
    ]);
    expect(observer.events).toContain('LEASE_WAIT');
    expect(source.batches.map((request) => request.ids)).toEqual([['b']]);
  });

  it('past the wait bound loads the waiting items with a second request, without filling', async () => {
    await store.acquire(itemKeys('aside', 'a'), {
      token: 'holder',
      leaseTtlMs: 60_000,
      staleAtMs: clock.now(),
    });
    const items = await batch().getMany(['a', 'b']);
    expect(items.map((item) => item.outcome)).toEqual(['MISS', 'MISS']);
    expect(source.batches.map((request) => request.ids)).toEqual([['b'], ['a']]);
    expect(observer.events).toEqual(['LEASE_WAIT', 'LEASE_WAIT_TIMEOUT']);
    expect(await store.get(itemKeys('aside', 'a').entry)).toBeNull();
  });

  it('bypasses a failing store: one source request for everything, no fills', async () => {
    const failing = new FailingStore(store, new Set(['get']));
    const items = await batch({ store: failing }).getMany(['a', 'ghost']);
    expect(items).toEqual([
      { id: 'a', outcome: 'BYPASS', record: answer('A', 1) },
      { id: 'ghost', outcome: 'BYPASS', record: null },
    ]);
    expect(failing.calls).toEqual(['get']);
    expect(observer.storeErrors).toEqual(['get']);
  });

  it('bypasses only the items whose lease request failed, keeping their stale entry as the fallback', async () => {
    await plant('a', { name: 'old A' }, 1, -1_000);
    const failing = new FailingStore(store, new Set(['acquire']));
    source.failure = THROTTLED;
    const items = await batch({ store: failing }).getMany(['a', 'b']);
    expect(items).toEqual([
      { id: 'a', outcome: 'STALE', record: answer('old A', 1) },
      { id: 'b', outcome: 'BYPASS', error: THROTTLED },
    ]);
  });

  it('answers a source failure with the stale entry where there is one, else fails that item and remembers it', async () => {
    await plant('a', { name: 'old A' }, 1, -1_000);
    source.failure = THROTTLED;
    const items = await batch().getMany(['a', 'b']);
    expect(items).toEqual([
      { id: 'a', outcome: 'STALE', record: answer('old A', 1) },
      { id: 'b', outcome: 'MISS', error: THROTTLED },
    ]);
    // The failure is remembered: a single read of b right after answers it without asking the source.
    await expect(single().get('b')).rejects.toMatchObject({ code: 'SOURCE_THROTTLED' });
    expect(source.singleLoads).toEqual([]);
    // And so does the next batch read, counted as a remembered failure.
    const again = await batch().getMany(['b']);
    expect(again).toMatchObject([{ id: 'b', outcome: 'MISS', error: { code: 'SOURCE_THROTTLED' } }]);
    expect(observer.events).toContain('REMEMBERED_FAILURE');
  });

  it('fails only the items the source left unread (UnprocessedKeys past the last attempt)', async () => {
    source.unread.add('b');
    const items = await batch().getMany(['a', 'b', 'c']);
    expect(items).toMatchObject([
      { id: 'a', outcome: 'MISS', record: answer('A', 1) },
      { id: 'b', outcome: 'MISS', error: { code: 'SOURCE_THROTTLED' } },
      { id: 'c', outcome: 'MISS', record: answer('C', 1) },
    ]);
    expect(observer.sourceErrors).toBe(1);
    expect((await batch().getMany(['a', 'c'])).map((item) => item.outcome)).toEqual(['HIT', 'HIT']);
  });

  it('counts a corrupt entry and reloads it', async () => {
    const keys = itemKeys('aside', 'a');
    await store.acquire(keys, { token: 'plant', leaseTtlMs: 1_000, staleAtMs: clock.now() });
    await store.fill(keys, { token: 'plant', entry: 'not an entry', ttlMs: 60_000, version: undefined });
    const items = await batch().getMany(['a']);
    expect(items).toEqual([{ id: 'a', outcome: 'MISS', record: answer('A', 1) }]);
    expect(observer.events).toEqual(['CORRUPT_ENTRY']);
  });

  it('refreshes a fresh entry early (XFetch) inside the batch request, answering HIT', async () => {
    await plant('a', { name: 'cached A' }, 1, 10);
    source.put('a', 'newer A', 2);
    // random() near 1 draws every caller to refresh; dt 2 ms × β 1000 reaches well past 10 ms.
    const items = await batch({ policy: { ...POLICY, earlyRefreshBeta: 1000 }, random: () => 0.999 }).getMany(
      ['a'],
    );
    expect(items).toEqual([{ id: 'a', outcome: 'HIT', record: answer('newer A', 2) }]);
    expect(observer.events).toEqual(['EARLY_REFRESH']);
  });
});
