import { NumberValueImpl as NumberValue } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { changeOfRecord } from '../../src/streams/record-change.js';
import { productIdOfRecord } from '../../src/streams/record-key.js';
import { insertRecord, modifyRecord, removeRecord } from '../fixtures/dynamodb-stream-event.js';

const ID = 'prod-0001';
const item = (version?: unknown, name = 'Lamp') => ({
  productId: ID,
  name,
  price: 19.99,
  ...(version !== undefined && { version }),
});

const changeOf = (record: DynamoDBRecord) => changeOfRecord(ID, record);

describe('a stream record as a cache change', () => {
  it('writes a versioned INSERT through, with the item as the read path caches it', () => {
    expect(changeOf(insertRecord(item(5)))).toEqual({
      change: { id: ID, version: 5, value: { productId: ID, name: 'Lamp', price: 19.99, version: 5 } },
      mode: undefined,
    });
  });

  it('invalidates an INSERT without a version: version 0 could not replace a cached "not found"', () => {
    expect(changeOf(insertRecord(item()))).toMatchObject({ change: { version: 0 }, mode: 'invalidate' });
  });

  it('writes a MODIFY through only when its new version is larger than the old one', () => {
    expect(changeOf(modifyRecord(item(5), item(6, 'New')))).toMatchObject({
      change: { version: 6, value: { name: 'New' } },
      mode: undefined,
    });
    expect(changeOf(modifyRecord(item(), item(1_764_230_400_000)))).toMatchObject({ mode: undefined });
  });

  it.each([
    ['unversioned on both sides', item(), item(undefined, 'New'), 0],
    ['the version kept by a hand edit', item(6), item(6, 'New'), 6],
    ['the version moved back', item(7), item(3, 'New'), 3],
    ['the version removed', item(7), item(undefined, 'New'), 0],
  ])('invalidates a MODIFY with %s', (_label, before, after, version) => {
    expect(changeOf(modifyRecord(before, after))).toMatchObject({
      change: { id: ID, version, value: { name: 'New' } },
      mode: 'invalidate',
    });
  });

  it("reads the API's DELETE (the item becomes a tombstone) as a deletion at the tombstone's version", () => {
    const tomb = { productId: ID, version: 8, deleted: true, expiresAt: 1_764_316_800 };
    expect(changeOf(modifyRecord(item(7), tomb))).toEqual({
      change: { id: ID, version: 8, value: null },
      mode: undefined,
    });
  });

  it('writes a re-created item through over its tombstone when its version is larger', () => {
    const tomb = { productId: ID, version: 8, deleted: true, expiresAt: 1_764_316_800 };
    expect(changeOf(modifyRecord(tomb, item(9, 'Back')))).toMatchObject({
      change: { version: 9, value: { name: 'Back' } },
      mode: undefined,
    });
  });

  it('invalidates a REMOVE at the old version, a TTL deletion alike', () => {
    expect(changeOf(removeRecord(item(9)))).toEqual({
      change: { id: ID, version: 9, value: null },
      mode: undefined,
    });
    expect(changeOf(removeRecord(item(9), { ttl: true }))).toEqual({
      change: { id: ID, version: 9, value: null },
      mode: undefined,
    });
    expect(changeOf(removeRecord(item()))).toMatchObject({ change: { version: 0, value: null } });
  });

  it('invalidates records whose images do not show a newer version (not a NEW_AND_OLD_IMAGES stream)', () => {
    const keysOnly = modifyRecord(item(5), item(6));
    keysOnly.dynamodb = { ...keysOnly.dynamodb, NewImage: undefined, OldImage: undefined };
    expect(changeOf(keysOnly)).toEqual({ change: { id: ID, version: 0, value: null }, mode: 'invalidate' });
    const newImageOnly = modifyRecord(item(5), item(6));
    newImageOnly.dynamodb = { ...newImageOnly.dynamodb, OldImage: undefined };
    expect(changeOf(newImageOnly)).toMatchObject({ change: { version: 6 }, mode: 'invalidate' });
  });

  it.each([
    ['a fraction', 1.5],
    ['a negative number', -3],
    ['text', '7'],
    ['a whole number past 2^53', NumberValue.from('9007199254740993')],
  ])('reads a version that is %s as 0, as the read path does', (_label, version) => {
    expect(changeOf(insertRecord(item(version)))).toMatchObject({
      change: { version: 0 },
      mode: 'invalidate',
    });
  });

  it('makes the image JSON-safe: sets as arrays, binary as base64, huge whole numbers as exact text', () => {
    const { change } = changeOf(
      insertRecord({
        ...item(3),
        tags: new Set(['a', 'b']),
        sizes: new Set([1, 2]),
        thumbnail: new Uint8Array([1, 2, 3]),
        serial: NumberValue.from('123456789012345678901234567890'),
        dimensions: { width: 10, depth: null, labels: ['x', true] },
      }),
    );
    expect(change.value).toEqual({
      ...item(3),
      tags: ['a', 'b'],
      sizes: [1, 2],
      thumbnail: 'AQID',
      serial: '123456789012345678901234567890',
      dimensions: { width: 10, depth: null, labels: ['x', true] },
    });
  });
});

describe('the product id of a stream record', () => {
  const withKey = (productId: unknown) => {
    const record = insertRecord(item(1));
    record.dynamodb = { ...record.dynamodb, Keys: { productId: productId as { S: string } } };
    return record;
  };

  it('is the S value of its productId key', () => {
    expect(productIdOfRecord(insertRecord(item(1)))).toEqual({ ok: true, id: ID });
  });

  it.each([
    ['a space', { S: 'bad id' }],
    ['a hash-tag brace', { S: '{prod}' }],
    ['a colon', { S: 'a:b' }],
    ['129 characters', { S: 'x'.repeat(129) }],
    ['an empty string', { S: '' }],
    ['a number key', { N: '17' }],
    ['no key', undefined],
  ])('is refused when it has %s', (_label, key) => {
    expect(productIdOfRecord(withKey(key)).ok).toBe(false);
  });
});
