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

/** A memory store that rejects every call with `failure` while it is set, and counts the calls it gets. */
class FlakyStore extends MemoryCacheStore {
  failure: CacheStoreErrorCode | undefined;
  calls = 0;

  override async get(key: string): Promise<string | null> {
    this.calls++;
    if (this.failure) throw new CacheStoreError(this.failure, `fake ${this.failure}`);
    return super.get(key);
  }
}

function recordingListener() {
  const events: string[] = [];
  const listener: BreakerListener = {
    onOpen: () => events.push('open'),
    onClose: () => events.push('close'),
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
});
