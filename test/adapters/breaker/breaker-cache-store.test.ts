import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BreakerCacheStore,
  type BreakerListener,
} from '../../../src/adapters/breaker/breaker-cache-store.js';
import { MemoryCacheStore } from '../../../src/adapters/memory/memory-cache-store.js';
import type { CacheStore } from '../../../src/core/cache-store.js';
import { CacheStoreError, type CacheStoreErrorCode } from '../../../src/core/cache-store-error.js';

const SETTINGS = { failureThreshold: 3, cooldownMs: 1_000 };
const KEYS = { entry: 'e', lease: 'l', fence: 'f' };

/**
 * A memory store that rejects every call with `failure` while it is set (only for keys starting with
 * `failingPrefix`, when that is set), and counts the calls it gets.
 */
class FlakyStore extends MemoryCacheStore {
  failure: CacheStoreErrorCode | undefined;
  failingPrefix = '';
  calls = 0;

  override async get(key: string): Promise<string | null> {
    this.calls++;
    this.#maybeFail([key]);
    return super.get(key);
  }

  override async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    this.calls++;
    this.#maybeFail(keys);
    return super.getMany(keys);
  }

  #maybeFail(keys: readonly string[]): void {
    if (this.failure && keys.some((key) => key.startsWith(this.failingPrefix))) {
      throw new CacheStoreError(this.failure, `fake ${this.failure}`);
    }
  }
}

function recordingListener() {
  const events: string[] = [];
  const listener: BreakerListener = {
    onOpen: (_cause, partition) => events.push(partition === '' ? 'open' : `open ${partition}`),
    onClose: (partition) => events.push(partition === '' ? 'close' : `close ${partition}`),
    onReject: () => events.push('reject'),
  };
  return { events, listener };
}

function codeOf(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => 'resolved',
    (error: CacheStoreError) => error.code,
  );
}

describe('BreakerCacheStore', () => {
  let inner: FlakyStore;
  let events: string[];
  let store: BreakerCacheStore;

  beforeEach(() => {
    vi.useFakeTimers();
    inner = new FlakyStore();
    const recording = recordingListener();
    events = recording.events;
    store = new BreakerCacheStore(inner, SETTINGS, recording.listener);
  });
  afterEach(() => vi.useRealTimers());

  async function failTimes(count: number, code: CacheStoreErrorCode): Promise<void> {
    inner.failure = code;
    for (let i = 0; i < count; i++) expect(await codeOf(store.get('k'))).toBe(code);
  }

  it('passes calls and their errors through while closed', async () => {
    expect(await store.get('k')).toBeNull();
    await failTimes(SETTINGS.failureThreshold - 1, 'CACHE_STORE_TIMEOUT');
    expect(store.state).toBe('closed');
    expect(events).toEqual([]);
  });

  it('opens after the threshold of timeouts or unavailability, then rejects without calling the store', async () => {
    await failTimes(1, 'CACHE_STORE_UNAVAILABLE');
    await failTimes(SETTINGS.failureThreshold - 1, 'CACHE_STORE_TIMEOUT');
    expect(store.state).toBe('open');
    expect(events).toEqual(['open']);

    const callsWhenOpened = inner.calls;
    const refused = store.get('k').catch((error: unknown) => error);
    const error = (await refused) as CacheStoreError;
    expect(error).toBeInstanceOf(CacheStoreError);
    expect(error.code).toBe('CACHE_STORE_UNAVAILABLE');
    expect(error.message).toMatch(/^circuit open/);
    expect((error.cause as CacheStoreError).code).toBe('CACHE_STORE_TIMEOUT');
    expect(await codeOf(store.fill(KEYS, { token: 't', entry: 'x', ttlMs: 1000, version: 1 }))).toBe(
      'CACHE_STORE_UNAVAILABLE',
    );
    expect(inner.calls).toBe(callsWhenOpened);
    expect(events).toEqual(['open', 'reject', 'reject']);
  });

  it('does not open on refusals (OOM) or auth failures, which prove the server answers', async () => {
    await failTimes(10, 'CACHE_STORE_COMMAND_FAILED');
    await failTimes(10, 'CACHE_STORE_AUTH_FAILED');
    expect(store.state).toBe('closed');
    expect(events).toEqual([]);
  });

  it('lets one probe through after the cool-down and closes when it succeeds', async () => {
    await failTimes(SETTINGS.failureThreshold, 'CACHE_STORE_TIMEOUT');
    vi.advanceTimersByTime(SETTINGS.cooldownMs - 1);
    inner.failure = undefined;
    expect(await codeOf(store.get('k'))).toBe('CACHE_STORE_UNAVAILABLE');

    vi.advanceTimersByTime(1);
    const calls = inner.calls;
    const probe = store.get('k');
    expect(store.state).toBe('half-open');
    // Others do not queue behind the probe: they bypass at once.
    expect(await codeOf(store.get('k'))).toBe('CACHE_STORE_UNAVAILABLE');
    expect(await probe).toBeNull();
    expect(inner.calls).toBe(calls + 1);
    expect(store.state).toBe('closed');
    expect(events).toEqual(['open', 'reject', 'reject', 'close']);
    expect(await store.get('k')).toBeNull();
  });

  it('opens again when the probe fails, for another cool-down', async () => {
    await failTimes(SETTINGS.failureThreshold, 'CACHE_STORE_UNAVAILABLE');
    vi.advanceTimersByTime(SETTINGS.cooldownMs);
    await failTimes(1, 'CACHE_STORE_TIMEOUT');
    expect(store.state).toBe('open');
    expect(await codeOf(store.get('k'))).toBe('CACHE_STORE_UNAVAILABLE');
    expect(events).toEqual(['open', 'open', 'reject']);

    vi.advanceTimersByTime(SETTINGS.cooldownMs);
    inner.failure = undefined;
    expect(await store.get('k')).toBeNull();
    expect(store.state).toBe('closed');
  });

  it('closes when the probe is refused (the server answered)', async () => {
    await failTimes(SETTINGS.failureThreshold, 'CACHE_STORE_TIMEOUT');
    vi.advanceTimersByTime(SETTINGS.cooldownMs);
    await failTimes(1, 'CACHE_STORE_COMMAND_FAILED');
    expect(store.state).toBe('closed');
  });

  it('closes the inner store whatever the circuit state', async () => {
    const closing: CacheStore = inner;
    const close = vi.spyOn(closing, 'close');
    await failTimes(SETTINGS.failureThreshold, 'CACHE_STORE_TIMEOUT');
    await store.close();
    expect(close).toHaveBeenCalledOnce();
  });

  describe('with a circuit per part of the store (a cluster master per key)', () => {
    // The part a key lives on is its first letter, as a cluster's master is its slot's.
    const partitionOf = (key: string) => key.slice(0, 1);
    let parted: BreakerCacheStore;

    beforeEach(() => {
      const recording = recordingListener();
      events = recording.events;
      parted = new BreakerCacheStore(inner, SETTINGS, recording.listener, partitionOf);
    });

    async function failOn(prefix: string, count: number): Promise<void> {
      inner.failure = 'CACHE_STORE_TIMEOUT';
      inner.failingPrefix = prefix;
      for (let i = 0; i < count; i++)
        expect(await codeOf(parted.get(`${prefix}${i}`))).toBe('CACHE_STORE_TIMEOUT');
    }

    it("opens only the failing part's circuit: the other parts' keys still reach the store", async () => {
      await failOn('a', SETTINGS.failureThreshold);
      expect(events).toEqual(['open a']);
      expect(parted.state).toBe('open');
      const calls = inner.calls;
      expect(await codeOf(parted.get('a-key'))).toBe('CACHE_STORE_UNAVAILABLE');
      expect(inner.calls).toBe(calls);
      expect(await parted.get('b-key')).toBeNull();
      expect(await codeOf(parted.acquire({ entry: 'b1', lease: 'b2', fence: 'b3' }, acquireRequest()))).toBe(
        'resolved',
      );
      expect(await codeOf(parted.acquire({ entry: 'a1', lease: 'a2', fence: 'a3' }, acquireRequest()))).toBe(
        'CACHE_STORE_UNAVAILABLE',
      );
      expect(inner.calls).toBe(calls + 1);
    });

    it('counts failures per part: failures spread over parts open none', async () => {
      inner.failure = 'CACHE_STORE_TIMEOUT';
      for (const key of ['a1', 'b1', 'c1', 'a2', 'b2'])
        expect(await codeOf(parted.get(key))).toBe('CACHE_STORE_TIMEOUT');
      expect(parted.state).toBe('closed');
      expect(events).toEqual([]);
    });

    it('refuses a batch read touching an open part whole, and serves one that does not', async () => {
      await failOn('a', SETTINGS.failureThreshold);
      inner.failure = undefined;
      const calls = inner.calls;
      expect(await codeOf(parted.getMany(['b1', 'a1', 'c1']))).toBe('CACHE_STORE_UNAVAILABLE');
      expect(inner.calls).toBe(calls);
      expect(await parted.getMany(['b1', 'c1'])).toEqual([null, null]);
      expect(inner.calls).toBe(calls + 1);
    });

    it('counts a failed batch read against every part it touched', async () => {
      inner.failure = 'CACHE_STORE_TIMEOUT';
      for (let i = 0; i < SETTINGS.failureThreshold; i++) {
        expect(await codeOf(parted.getMany(['b1', 'c1']))).toBe('CACHE_STORE_TIMEOUT');
      }
      expect(events.sort()).toEqual(['open b', 'open c']);
      expect(await codeOf(parted.get('a1'))).toBe('CACHE_STORE_TIMEOUT');
    });

    it('probes and closes each part on its own', async () => {
      await failOn('a', SETTINGS.failureThreshold);
      vi.advanceTimersByTime(SETTINGS.cooldownMs / 2);
      await failOn('b', SETTINGS.failureThreshold);
      inner.failure = undefined;
      vi.advanceTimersByTime(SETTINGS.cooldownMs / 2);
      expect(await parted.get('a1')).toBeNull();
      expect(await codeOf(parted.get('b1'))).toBe('CACHE_STORE_UNAVAILABLE');
      expect(parted.state).toBe('open');
      vi.advanceTimersByTime(SETTINGS.cooldownMs / 2);
      expect(await parted.get('b1')).toBeNull();
      expect(parted.state).toBe('closed');
      expect(events).toEqual(['open a', 'open b', 'close a', 'reject', 'close b']);
    });
  });
});

function acquireRequest() {
  return { token: 't', leaseTtlMs: 1_000, staleAtMs: 0 };
}
