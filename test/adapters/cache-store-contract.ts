import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CacheStore } from '../../src/core/cache-store.js';

/** A fresh store for one test, and how to let time pass for it. */
export interface CacheStoreFixture {
  readonly store: CacheStore;
  /** Lets `ms` of the store's time pass: a fake clock jump, or a real wait for a server. */
  elapse(ms: number): Promise<void>;
}

// Long enough that a busy 2-core machine still reads the key before it expires; short enough to stay quick.
const SHORT_TTL_MS = 300;
const LONG_TTL_MS = 60_000;
const EXPIRY_MARGIN_MS = 200;

/**
 * The behaviour every CacheStore must have (memory, Redis standalone, Redis cluster). Each test works
 * under its own random prefix, so fixtures may share one server.
 */
export function describeCacheStoreContract(
  name: string,
  openFixture: () => Promise<CacheStoreFixture>,
): void {
  describe(`CacheStore contract: ${name}`, () => {
    let fixture: CacheStoreFixture;
    let store: CacheStore;
    let prefix: string;
    const key = (id: string) => `${prefix}:p:{${id}}`;

    beforeEach(async () => {
      fixture = await openFixture();
      store = fixture.store;
      prefix = `t${randomUUID().slice(0, 8)}`;
    });

    afterEach(async () => {
      await store.close();
    });

    it('returns null for a key that was never set', async () => {
      expect(await store.get(key('absent'))).toBeNull();
    });

    it('returns what was set', async () => {
      await store.set(key('1'), 'hello', LONG_TTL_MS);
      expect(await store.get(key('1'))).toBe('hello');
    });

    it('replaces the value on a second set', async () => {
      await store.set(key('1'), 'first', LONG_TTL_MS);
      await store.set(key('1'), 'second', LONG_TTL_MS);
      expect(await store.get(key('1'))).toBe('second');
    });

    it('forgets a key once its ttl has passed', async () => {
      await store.set(key('1'), 'short-lived', SHORT_TTL_MS);
      expect(await store.get(key('1'))).toBe('short-lived');
      await fixture.elapse(SHORT_TTL_MS + EXPIRY_MARGIN_MS);
      expect(await store.get(key('1'))).toBeNull();
    });

    it('takes the ttl of the latest set', async () => {
      await store.set(key('shortened'), 'a', LONG_TTL_MS);
      await store.set(key('shortened'), 'b', SHORT_TTL_MS);
      await store.set(key('extended'), 'c', SHORT_TTL_MS);
      await store.set(key('extended'), 'd', LONG_TTL_MS);
      await fixture.elapse(SHORT_TTL_MS + EXPIRY_MARGIN_MS);
      expect(await store.get(key('shortened'))).toBeNull();
      expect(await store.get(key('extended'))).toBe('d');
    });

    it('accepts a fractional ttl and rejects a ttl that is not positive', async () => {
      await store.set(key('fraction'), 'v', LONG_TTL_MS + 0.5);
      expect(await store.get(key('fraction'))).toBe('v');
      for (const ttlMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expect(store.set(key('bad-ttl'), 'v', ttlMs)).rejects.toThrow(RangeError);
      }
      expect(await store.get(key('bad-ttl'))).toBeNull();
    });

    it('deletes a key', async () => {
      await store.set(key('1'), 'doomed', LONG_TTL_MS);
      await store.delete(key('1'));
      expect(await store.get(key('1'))).toBeNull();
    });

    it('deletes an absent key without error', async () => {
      await expect(store.delete(key('never-set'))).resolves.toBeUndefined();
    });

    it('keeps keys apart that differ only outside the hash tag or inside it', async () => {
      const sameSlot = [`${prefix}:p:{same}`, `${prefix}:lease:{same}`, `${prefix}:fence:{same}`];
      const ids = ['42', '420', 'a-b_c.d', 'A', 'a', 'x:y', 'sku~1'];
      await Promise.all(sameSlot.map((k) => store.set(k, `v:${k}`, LONG_TTL_MS)));
      await Promise.all(ids.map((id) => store.set(key(id), `id:${id}`, LONG_TTL_MS)));
      for (const k of sameSlot) expect(await store.get(k)).toBe(`v:${k}`);
      for (const id of ids) expect(await store.get(key(id))).toBe(`id:${id}`);
      await store.delete(`${prefix}:lease:{same}`);
      expect(await store.get(`${prefix}:lease:{same}`)).toBeNull();
      expect(await store.get(`${prefix}:p:{same}`)).toBe(`v:${prefix}:p:{same}`);
    });

    it('round-trips values exactly, as opaque strings', async () => {
      const values = [
        '',
        ' ',
        'null',
        '0012',
        '{"f":1,"ver":7,"val":{"name":"Caf\\u00e9 \\"Deluxe\\"","tags":["a","b"]},"soft":1764230400000,"dt":12}',
        'line one\nline two\r\nline three\ttabbed',
        'back\\slash and "quotes" and \'single\'',
        'unicode: café, 日本語, emoji 🚀 (outside the BMP)',
        'nul \u0000 inside',
      ];
      await Promise.all(values.map((value, index) => store.set(key(`v${index}`), value, LONG_TTL_MS)));
      for (const [index, value] of values.entries()) {
        expect(await store.get(key(`v${index}`))).toBe(value);
      }
    });

    it('stores large values', async () => {
      const hundredKb = JSON.stringify({ blob: 'x'.repeat(100 * 1024), tail: 'é🚀' });
      const oneMb = 'y'.repeat(1024 * 1024);
      await store.set(key('100kb'), hundredKb, LONG_TTL_MS);
      await store.set(key('1mb'), oneMb, LONG_TTL_MS);
      expect(await store.get(key('100kb'))).toBe(hundredKb);
      expect(await store.get(key('1mb'))).toBe(oneMb);
    });

    it('stores many keys spread over many slots', async () => {
      const ids = Array.from({ length: 300 }, (_, index) => `item-${index}`);
      await Promise.all(ids.map((id) => store.set(key(id), `value-${id}`, LONG_TTL_MS)));
      const values = await Promise.all(ids.map((id) => store.get(key(id))));
      expect(values).toEqual(ids.map((id) => `value-${id}`));
      await Promise.all(ids.filter((_, index) => index % 2 === 0).map((id) => store.delete(key(id))));
      const after = await Promise.all(ids.map((id) => store.get(key(id))));
      expect(after).toEqual(ids.map((id, index) => (index % 2 === 0 ? null : `value-${id}`)));
    });

    it('ends concurrent sets of one key with one of the written values, whole', async () => {
      const writes = Array.from({ length: 50 }, (_, index) => `writer-${index}:${'z'.repeat(1000)}`);
      await Promise.all(writes.map((value) => store.set(key('contended'), value, LONG_TTL_MS)));
      expect(writes).toContain(await store.get(key('contended')));
    });

    it('rejects operations after close, and close can be repeated', async () => {
      await store.close();
      await expect(store.get(key('1'))).rejects.toThrow();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}
