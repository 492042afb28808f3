import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry } from '../../src/core/cache-entry.js';

describe('cache entry envelope', () => {
  it('round-trips an entry in the documented shape', () => {
    const text = encodeEntry({ ver: 7, val: { name: 'Lamp' }, soft: 1_764_230_400_000, dt: 12 });
    expect(JSON.parse(text)).toEqual({
      f: 1,
      ver: 7,
      val: { name: 'Lamp' },
      soft: 1_764_230_400_000,
      dt: 12,
    });
    expect(decodeEntry(text)).toEqual({ ver: 7, val: { name: 'Lamp' }, soft: 1_764_230_400_000, dt: 12 });
  });

  it('keeps a null value (a cached "not found")', () => {
    expect(decodeEntry(encodeEntry({ ver: 0, val: null, soft: 1, dt: 0 }))?.val).toBeNull();
  });

  it.each([
    ['not JSON', '{'],
    ['a bare value', '"hello"'],
    ['another format', '{"f":2,"ver":1,"val":{},"soft":1,"dt":0}'],
    ['a missing version', '{"f":1,"val":{},"soft":1,"dt":0}'],
    ['a missing value', '{"f":1,"ver":1,"soft":1,"dt":0}'],
    ['a non-numeric expiry', '{"f":1,"ver":1,"val":{},"soft":"soon","dt":0}'],
  ])('reads %s as no entry', (_label, text) => {
    expect(decodeEntry(text)).toBeUndefined();
  });
});
