import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry, entryValue, readEntryHeader } from '../../src/core/cache-entry.js';

describe('cache entry envelope', () => {
  it('writes the header first, in a fixed order, then the value', () => {
    const text = encodeEntry({ ver: 7, val: { name: 'Lamp' }, soft: 1_764_230_400_000, dt: 12 });
    expect(text).toBe('{"f":1,"ver":7,"soft":1764230400000,"dt":12,"val":{"name":"Lamp"}}');
    expect(readEntryHeader(text)).toEqual({ ver: 7, soft: 1_764_230_400_000 });
  });

  it('reads an item back as the JSON text it was stored as, parsed only on demand', () => {
    const item = { name: 'Lamp "Nº 1"', tags: ['a', { b: '}' }], price: 9.5 };
    const entry = decodeEntry(encodeEntry({ ver: 7, val: item, soft: 1_764_230_400_000, dt: 12 }));
    expect(entry).toEqual({ ver: 7, valJson: JSON.stringify(item), soft: 1_764_230_400_000, dt: 12 });
    expect(entryValue(entry ?? { ver: 0, soft: 0, dt: 0, valJson: null })).toEqual(item);
  });

  it.each([
    ['a string', 'Lamp'],
    ['a number', 42],
    ['a list', [1, '}']],
    ['false', false],
  ])('reads back a value of another JSON type, %s', (_label, val) => {
    const entry = decodeEntry(encodeEntry({ ver: 2, val, soft: 1, dt: 0 }));
    expect(entry).toEqual({ ver: 2, valJson: JSON.stringify(val), soft: 1, dt: 0 });
  });

  it('keeps a null value (a cached "not found")', () => {
    const entry = decodeEntry(encodeEntry({ ver: 0, val: null, soft: 1, dt: 0 }));
    expect(entry).toEqual({ ver: 0, valJson: null, soft: 1, dt: 0 });
    expect(entry && entryValue(entry)).toBeNull();
  });

  it('marks a remembered source failure after the value, leaving the header as every store reads it', () => {
    const text = encodeEntry({ ver: 0, val: null, soft: 5_000, dt: 0, fail: 'SOURCE_THROTTLED' });
    expect(text).toBe('{"f":1,"ver":0,"soft":5000,"dt":0,"val":null,"fail":"SOURCE_THROTTLED"}');
    expect(decodeEntry(text)).toEqual({
      ver: 0,
      valJson: null,
      soft: 5_000,
      dt: 0,
      fail: 'SOURCE_THROTTLED',
    });
    expect(readEntryHeader(text)).toEqual({ ver: 0, soft: 5_000 });
  });

  it('reads a failure mark it does not know, or one beside an item, as unreadable', () => {
    expect(
      decodeEntry('{"f":1,"ver":0,"soft":5000,"dt":0,"val":null,"fail":"SOMETHING_ELSE"}'),
    ).toBeUndefined();
    expect(
      decodeEntry('{"f":1,"ver":3,"soft":5000,"dt":0,"val":{"a":1},"fail":"SOURCE_THROTTLED"}'),
    ).toBeUndefined();
    expect(
      decodeEntry('{"f":1,"ver":3,"soft":5000,"dt":0,"val":"a","fail":"SOURCE_THROTTLED"}'),
    ).toBeUndefined();
  });

  it('writes only whole, non-negative numbers into the header, so every store can read it', () => {
    const text = encodeEntry({ ver: -4, val: 1, soft: 10.6, dt: Number.NaN });
    expect(readEntryHeader(text)).toEqual({ ver: 0, soft: 11 });
  });

  it.each([
    ['not JSON', '{'],
    ['a bare value', '"hello"'],
    ['another format', '{"f":2,"ver":1,"soft":1,"dt":0,"val":{}}'],
    ['the fields in another order', '{"f":1,"ver":1,"val":{},"soft":1,"dt":0}'],
    ['a missing version', '{"f":1,"soft":1,"dt":0,"val":{}}'],
    ['a missing value', '{"f":1,"ver":1,"soft":1,"dt":0}'],
    ['a truncated value', '{"f":1,"ver":1,"soft":1,"dt":0,"val":{"name":'],
    ['a truncated value, closed', '{"f":1,"ver":1,"soft":1,"dt":0,"val":"Lam}'],
    ['no value, closed', '{"f":1,"ver":1,"soft":1,"dt":0,"val":}'],
    ['a value that is not JSON', '{"f":1,"ver":1,"soft":1,"dt":0,"val":Lamp}'],
    ['a non-numeric expiry', '{"f":1,"ver":1,"soft":"soon","dt":0,"val":{}}'],
    ['a negative version', '{"f":1,"ver":-1,"soft":1,"dt":0,"val":{}}'],
  ])('reads %s as no entry', (_label, text) => {
    expect(decodeEntry(text)).toBeUndefined();
  });
});
