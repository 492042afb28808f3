import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeEntry, readEntryHeader } from '../../src/core/cache-entry.js';
import { itemKeys } from '../../src/core/cache-keys.js';
import type { CacheStore, ItemKeys } from '../../src/core/cache-store.js';
import { CacheStoreError } from '../../src/core/cache-store-error.js';

/** A fresh store for one test, and how to let time pass for it. */
export interface CacheStoreFixture {
  readonly store: CacheStore;
  /** Lets `ms` of the store's time pass: a fake clock jump, or a real wait for a server. */
  elapse(ms: number): Promise<void>;
  /** The store's notion of now, in epoch ms (entries' `soft` times are compared with it by callers). */
  now(): number;
}

// Long enough that a busy 2-core machine still acts before the key expires; short enough to stay quick.
const SHORT_TTL_MS = 300;
const LONG_TTL_MS = 60_000;
const EXPIRY_MARGIN_MS = 200;

/**
 * The store protocol every CacheStore must keep (memory, Redis standalone, Redis cluster): the hot-path
 * GET and the lease, fill and invalidate steps of DESIGN.md section 5. Each test works under its own
 * random prefix, so fixtures may share one server.
 */
export function describeCacheStoreContract(
  name: string,
  openFixture: () => Promise<CacheStoreFixture>,
): void {
  describe(`CacheStore contract: ${name}`, () => {
    let fixture: CacheStoreFixture;
    let store: CacheStore;
    let prefix: string;
    const keys = (id: string): ItemKeys => itemKeys(prefix, id);
    const entry = (ver: number, softInMs: number, val: unknown = { ver }) =>
      encodeEntry({ ver, val, soft: fixture.now() + softInMs, dt: 3 });
    const acquire = (id: string, token: string, staleAtMs = fixture.now(), leaseTtlMs = LONG_TTL_MS) =>
      store.acquire(keys(id), { token, leaseTtlMs, staleAtMs });
    const fill = (id: string, token: string, text: string, version: number | undefined) =>
      store.fill(keys(id), { token, entry: text, ttlMs: LONG_TTL_MS, version });
    /** Takes the lease for `id` and fills `text` (as a not-found fill, so nothing is compared). */
    const plant = async (id: string, text: string, ttlMs = LONG_TTL_MS) => {
      const token = `plant-${randomUUID()}`;
      const { granted } = await acquire(id, token, Number.MAX_SAFE_INTEGER);
      expect(granted).toBe(true);
      expect(await store.fill(keys(id), { token, entry: text, ttlMs, version: undefined })).toBe('STORED');
    };

    beforeEach(async () => {
      fixture = await openFixture();
      store = fixture.store;
      prefix = `t${randomUUID().slice(0, 8)}`;
    });

    afterEach(async () => {
      await store.close();
    });

    describe('get', () => {
      it('returns null for a key that was never written', async () => {
        expect(await store.get(keys('absent').entry)).toBeNull();
      });

      it('returns a filled entry exactly, as an opaque string', async () => {
        const values = [
          entry(7, LONG_TTL_MS, {
            name: 'Café "Deluxe"',
            tags: ['a', 'b'],
            note: 'line\nbreak\ttab \u0000 nul',
          }),
          entry(8, LONG_TTL_MS, 'unicode: 日本語, emoji 🚀 (outside the BMP), back\\slash'),
          entry(9, LONG_TTL_MS, null),
        ];
        for (const [index, text] of values.entries()) await plant(`v${index}`, text);
        for (const [index, text] of values.entries())
          expect(await store.get(keys(`v${index}`).entry)).toBe(text);
      });

      it('stores large entries', async () => {
        const oneMb = entry(1, LONG_TTL_MS, { blob: 'y'.repeat(1024 * 1024), tail: 'é🚀' });
        await plant('1mb', oneMb);
        expect(await store.get(keys('1mb').entry)).toBe(oneMb);
      });
    });

    describe('getMany', () => {
      it('returns each entry in the order asked, null for absent keys, and any value as an opaque string', async () => {
        const first = entry(1, LONG_TTL_MS, { name: 'first' });
        const stale = entry(2, -1_000, { name: 'stale' });
        await plant('a', first);
        await plant('b', stale);
        await plant('c', 'garbage: not an entry');
        const asked = ['c', 'absent', 'a', 'b', 'a'].map((id) => keys(id).entry);
        expect(await store.getMany(asked)).toEqual(['garbage: not an entry', null, first, stale, first]);
      });

      it('returns nothing for no keys', async () => {
        expect(await store.getMany([])).toEqual([]);
      });

      it('reads a hundred items spread over every slot they hash to (every node of a cluster)', async () => {
        const ids = Array.from({ length: 100 }, (_, index) => `many-${index}`);
        const planted = ids.filter((_, index) => index % 3 !== 0);
        await Promise.all(planted.map((id) => plant(id, entry(7, LONG_TTL_MS, id))));
        const values = await store.getMany(ids.map((id) => keys(id).entry));
        expect(values).toHaveLength(ids.length);
        for (const [index, id] of ids.entries()) {
          if (index % 3 === 0) expect(values[index], id).toBeNull();
          else expect(readEntryHeader(String(values[index])), id).toMatchObject({ ver: 7 });
        }
      });

      it('does not return leases or fences under entry keys', async () => {
        await acquire('leased', 'token');
        await store.invalidate(keys('fenced'), { version: 3, fenceTtlMs: LONG_TTL_MS });
        expect(await store.getMany([keys('leased').entry, keys('fenced').entry])).toEqual([null, null]);
      });
    });

    describe('acquire', () => {
      it('grants the lease for an absent entry to one caller only', async () => {
        expect(await acquire('1', 'a')).toEqual({ entry: null, granted: true, fenced: false });
        expect(await acquire('1', 'b')).toEqual({ entry: null, granted: false, fenced: false });
        expect(await acquire('1', 'a')).toEqual({ entry: null, granted: false, fenced: false });
      });

      it('grants one lease among many concurrent callers', async () => {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => acquire('race', `token-${i}`)),
        );
        expect(results.filter((result) => result.granted)).toHaveLength(1);
      });

      it('returns a fresh entry without granting a lease', async () => {
        const fresh = entry(3, LONG_TTL_MS);
        await plant('1', fresh);
        expect(await acquire('1', 'a')).toEqual({ entry: fresh, granted: false, fenced: false });
      });

      it('grants the lease for an entry stale at the given instant, and returns that entry', async () => {
        const soon = entry(3, 1_000);
        await plant('1', soon);
        expect(await acquire('1', 'early', fixture.now() + 2_000)).toEqual({
          entry: soon,
          granted: true,
          fenced: false,
        });
        expect(await acquire('1', 'other', fixture.now() + 2_000)).toEqual({
          entry: soon,
          granted: false,
          fenced: false,
        });
      });

      it('grants the lease for a stale entry kept in grace', async () => {
        const stale = entry(3, -1_000);
        await plant('1', stale);
        expect(await acquire('1', 'a')).toEqual({ entry: stale, granted: true, fenced: false });
      });

      it('treats an unreadable or foreign value as absent: the lease is granted and the value returned', async () => {
        for (const [index, text] of [
          'garbage',
          '{"ver":99,"f":1,"soft":99999999999999,"dt":1,"val":{}}',
          '',
        ].entries()) {
          await plant(`foreign-${index}`, text);
          expect(await acquire(`foreign-${index}`, 'a')).toEqual({
            entry: text,
            granted: true,
            fenced: false,
          });
        }
      });

      it('grants the lease again once it has expired', async () => {
        expect((await acquire('1', 'a', fixture.now(), SHORT_TTL_MS)).granted).toBe(true);
        await fixture.elapse(SHORT_TTL_MS + EXPIRY_MARGIN_MS);
        expect((await acquire('1', 'b')).granted).toBe(true);
      });

      it('reports a fence after an invalidation, until the fence expires', async () => {
        await store.invalidate(keys('1'), { version: 5, fenceTtlMs: SHORT_TTL_MS });
        expect(await acquire('1', 'a')).toEqual({ entry: null, granted: true, fenced: true });
        await fixture.elapse(SHORT_TTL_MS + EXPIRY_MARGIN_MS);
        expect((await acquire('2', 'b')).fenced).toBe(false);
        expect((await acquire('1', 'c')).fenced).toBe(false);
      });
    });

    describe('fill', () => {
      it('stores the entry while the token holds the lease, and releases the lease', async () => {
        await acquire('1', 'a');
        const text = entry(4, SHORT_TTL_MS);
        expect(await fill('1', 'a', text, 4)).toBe('STORED');
        expect(await store.get(keys('1').entry)).toBe(text);
        // Released: once the entry is stale, the next caller gets the lease at once.
        expect((await acquire('1', 'b', fixture.now() + SHORT_TTL_MS)).granted).toBe(true);
      });

      it('refuses a fill by a caller that never held the lease', async () => {
        expect(await fill('1', 'a', entry(1, LONG_TTL_MS), 1)).toBe('LEASE_LOST');
        await acquire('1', 'holder');
        expect(await fill('1', 'intruder', entry(1, LONG_TTL_MS), 1)).toBe('LEASE_LOST');
        expect(await store.get(keys('1').entry)).toBeNull();
        // The holder's lease survives the refused fill.
        expect(await fill('1', 'holder', entry(1, LONG_TTL_MS), 1)).toBe('STORED');
      });

      it('refuses a fill whose lease expired and was taken by another caller', async () => {
        await acquire('1', 'slow', fixture.now(), SHORT_TTL_MS);
        await fixture.elapse(SHORT_TTL_MS + EXPIRY_MARGIN_MS);
        await acquire('1', 'fast');
        const fast = entry(2, LONG_TTL_MS);
        expect(await fill('1', 'fast', fast, 2)).toBe('STORED');
        expect(await fill('1', 'slow', entry(1, LONG_TTL_MS), 1)).toBe('LEASE_LOST');
        expect(await store.get(keys('1').entry)).toBe(fast);
      });

      it('refuses a fill that an invalidation overtook (the stale set)', async () => {
        await acquire('1', 'reader');
        await store.invalidate(keys('1'), { version: 2, fenceTtlMs: LONG_TTL_MS });
        expect(await fill('1', 'reader', entry(1, LONG_TTL_MS), 1)).toBe('LEASE_LOST');
        expect(await store.get(keys('1').entry)).toBeNull();
      });

      it('refuses to replace a newer version, stores an equal or newer one', async () => {
        const nine = entry(9, -1_000);
        await plant('1', nine);
        await acquire('1', 'a');
        expect(await fill('1', 'a', entry(7, LONG_TTL_MS), 7)).toBe('SUPERSEDED');
        expect(await store.get(keys('1').entry)).toBe(nine);
        // The superseded fill released the lease.
        await acquire('1', 'b');
        const again = entry(9, LONG_TTL_MS);
        expect(await fill('1', 'b', again, 9)).toBe('STORED');
        expect(await store.get(keys('1').entry)).toBe(again);
      });

      it('lets a not-found replace any version: the item is gone', async () => {
        await plant('1', entry(9, -1_000));
        await acquire('1', 'a');
        const gone = entry(0, LONG_TTL_MS, null);
        expect(await fill('1', 'a', gone, undefined)).toBe('STORED');
        expect(await store.get(keys('1').entry)).toBe(gone);
      });

      it('replaces an unreadable value whatever the version', async () => {
        await plant('1', '{"f":1,"ver":"99"}');
        await acquire('1', 'a');
        expect(await fill('1', 'a', entry(1, LONG_TTL_MS), 1)).toBe('STORED');
      });

      it('expires the entry at its hard TTL', async () => {
        await plant('1', entry(1, -1), SHORT_TTL_MS);
        expect(await store.get(keys('1').entry)).not.toBeNull();
        await fixture.elapse(SHORT_TTL_MS + EXPIRY_MARGIN_MS);
        expect(await store.get(keys('1').entry)).toBeNull();
      });

      it('reads the entry header exactly as cache-entry.ts does', async () => {
        const probes = [
          entry(12, 5_000),
          entry(0, -5_000, null),
          '{"f":1,"ver":12,"soft":1,"dt":0,"val":1}',
          '{"f":2,"ver":12,"soft":99999999999999,"dt":0,"val":1}',
          '{"f":1,"ver":12,"soft":99999999999999,"val":1}',
          '{"f":1,"ver":-3,"soft":99999999999999,"dt":0,"val":1}',
          '{"f":1,"ver":1.5,"soft":99999999999999,"dt":0,"val":1}',
          ' {"f":1,"ver":12,"soft":99999999999999,"dt":0,"val":1}',
          '{"f":1,"ver":12,"soft":99999999999999,"dt":0,"val":',
        ];
        for (const [index, text] of probes.entries()) {
          const id = `probe-${index}`;
          const header = readEntryHeader(text);
          await plant(id, text);
          const { granted } = await acquire(id, 'reader');
          expect(granted, text).toBe(header === undefined || header.soft <= fixture.now());
          if (!granted) continue;
          const filled = await fill(id, 'reader', entry(11, LONG_TTL_MS), 11);
          expect(filled, text).toBe(header !== undefined && header.ver > 11 ? 'SUPERSEDED' : 'STORED');
        }
      });
    });

    describe('writeThrough', () => {
      const write = (id: string, version: number, fenceTtlMs = LONG_TTL_MS) =>
        store.writeThrough(keys(id), {
          entry: entry(version, LONG_TTL_MS, { written: version }),
          version,
          ttlMs: LONG_TTL_MS,
          fenceTtlMs,
        });
      const cachedVersion = async (id: string) => {
        const text = await store.get(keys(id).entry);
        return text === null ? null : readEntryHeader(text)?.ver;
      };

      it('stores a written item, raises the fence and takes the lease away', async () => {
        await acquire('1', 'reader');
        expect(await write('1', 5)).toBe('STORED');
        expect(await cachedVersion('1')).toBe(5);
        expect(await fill('1', 'reader', entry(4, LONG_TTL_MS), 4)).toBe('LEASE_LOST');
        expect(await cachedVersion('1')).toBe(5);
        expect((await acquire('1', 'next', Number.MAX_SAFE_INTEGER)).fenced).toBe(true);
      });

      it('keeps the newer of two writes whose cache updates arrive out of order', async () => {
        expect(await write('1', 5)).toBe('STORED');
        expect(await write('1', 4)).toBe('SUPERSEDED');
        expect(await write('1', 5)).toBe('SUPERSEDED');
        expect(await cachedVersion('1')).toBe(5);
        expect(await write('1', 6)).toBe('STORED');
        expect(await cachedVersion('1')).toBe(6);
      });

      it('does not resurrect a deleted item with a write that lands after the delete', async () => {
        await write('1', 5);
        await store.invalidate(keys('1'), { version: 6, fenceTtlMs: LONG_TTL_MS });
        expect(await write('1', 5)).toBe('SUPERSEDED');
        expect(await write('1', 6)).toBe('SUPERSEDED');
        expect(await store.get(keys('1').entry)).toBeNull();
        // A re-created item outranks its deleted self.
        expect(await write('1', 7)).toBe('STORED');
        expect(await cachedVersion('1')).toBe(7);
      });

      it('replaces a cached "not found" and an unreadable value', async () => {
        await plant('gone', entry(0, LONG_TTL_MS, null));
        await plant('junk', 'not an entry');
        expect(await write('gone', 1)).toBe('STORED');
        expect(await write('junk', 1)).toBe('STORED');
        expect(await cachedVersion('gone')).toBe(1);
        expect(await cachedVersion('junk')).toBe(1);
      });

      it('keeps the fence at the highest version, renewed by every write', async () => {
        await store.invalidate(keys('1'), { version: 9, fenceTtlMs: SHORT_TTL_MS });
        expect(await write('1', 3)).toBe('SUPERSEDED');
        await fixture.elapse(SHORT_TTL_MS + EXPIRY_MARGIN_MS);
        expect(await write('1', 8)).toBe('SUPERSEDED');
        expect(await write('1', 10, SHORT_TTL_MS)).toBe('STORED');
        await fixture.elapse(SHORT_TTL_MS + EXPIRY_MARGIN_MS);
        expect((await acquire('1', 'a', Number.MAX_SAFE_INTEGER)).fenced).toBe(false);
      });
    });

    describe('invalidate', () => {
      it('removes the entry and the lease', async () => {
        await plant('1', entry(3, LONG_TTL_MS));
        await acquire('2', 'holder');
        await store.invalidate(keys('1'), { version: 4, fenceTtlMs: LONG_TTL_MS });
        await store.invalidate(keys('2'), { version: 4, fenceTtlMs: LONG_TTL_MS });
        expect(await store.get(keys('1').entry)).toBeNull();
        expect((await acquire('2', 'next')).granted).toBe(true);
      });

      it('invalidates an item that was never cached', async () => {
        await expect(
          store.invalidate(keys('never'), { version: 1, fenceTtlMs: LONG_TTL_MS }),
        ).resolves.toBeUndefined();
      });

      it('keeps the fence up for the latest invalidation, whatever its version', async () => {
        await store.invalidate(keys('1'), { version: 9, fenceTtlMs: SHORT_TTL_MS });
        await store.invalidate(keys('1'), { version: 3, fenceTtlMs: LONG_TTL_MS });
        await fixture.elapse(SHORT_TTL_MS + EXPIRY_MARGIN_MS);
        expect((await acquire('1', 'a')).fenced).toBe(true);
      });
    });

    describe('keys', () => {
      it('keeps items apart, including ids that differ only by case or punctuation', async () => {
        const ids = ['42', '420', 'a-b_c.d', 'A', 'a', '.', '..', 'x'.repeat(128)];
        const texts = new Map(ids.map((id) => [id, entry(1, LONG_TTL_MS, id)]));
        for (const [id, text] of texts) await plant(id, text);
        for (const [id, text] of texts) expect(await store.get(keys(id).entry)).toBe(text);
        await store.invalidate(keys('a'), { version: 2, fenceTtlMs: LONG_TTL_MS });
        expect(await store.get(keys('a').entry)).toBeNull();
        expect(await store.get(keys('A').entry)).not.toBeNull();
      });

      it('serves many items spread over many slots at once', async () => {
        const ids = Array.from({ length: 300 }, (_, index) => `item-${index}`);
        const texts = ids.map((id) => entry(1, LONG_TTL_MS, id));
        await Promise.all(ids.map((id, index) => plant(id, texts[index] as string)));
        expect(await Promise.all(ids.map((id) => store.get(keys(id).entry)))).toEqual(texts);
      });
    });

    describe('errors', () => {
      it('rejects a TTL that is not positive with CACHE_STORE_COMMAND_FAILED', async () => {
        for (const ttlMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
          await expect(acquire('bad', 'a', fixture.now(), ttlMs)).rejects.toMatchObject({
            name: 'CacheStoreError',
            code: 'CACHE_STORE_COMMAND_FAILED',
          });
          await expect(
            store.fill(keys('bad'), { token: 'a', entry: 'x', ttlMs, version: 1 }),
          ).rejects.toBeInstanceOf(CacheStoreError);
          await expect(
            store.invalidate(keys('bad'), { version: 1, fenceTtlMs: ttlMs }),
          ).rejects.toBeInstanceOf(CacheStoreError);
        }
        expect((await acquire('bad', 'a')).granted).toBe(true);
      });

      it('rejects every operation after close with CACHE_STORE_UNAVAILABLE, and close can be repeated', async () => {
        await store.close();
        const unavailable = { name: 'CacheStoreError', code: 'CACHE_STORE_UNAVAILABLE' };
        await expect(store.get(keys('1').entry)).rejects.toMatchObject(unavailable);
        await expect(store.getMany([keys('1').entry, keys('2').entry])).rejects.toMatchObject(unavailable);
        await expect(acquire('1', 'a')).rejects.toMatchObject(unavailable);
        await expect(
          store.fill(keys('1'), { token: 'a', entry: 'x', ttlMs: 1, version: 1 }),
        ).rejects.toMatchObject(unavailable);
        await expect(store.invalidate(keys('1'), { version: 1, fenceTtlMs: 1 })).rejects.toMatchObject(
          unavailable,
        );
        await expect(store.close()).resolves.toBeUndefined();
      });
    });
  });
}
