import { describe, expect, it } from 'vitest';
import { recordJson, StoredRecord } from '../../src/core/stored-record.js';

describe('a record served from the cache', () => {
  const json = '{"name":"Lamp","price":12.5,"tags":["a"]}';

  it('hands answers the item text as stored, not re-encoded', () => {
    expect(recordJson(new StoredRecord(json, 3))).toBe(json);
    // A loaded record has no text yet: it is encoded.
    expect(recordJson({ value: { b: 1, a: 2 }, version: 1 })).toBe('{"b":1,"a":2}');
  });

  it('parses the item when its value is read, once, and encodes as a loaded record', () => {
    const record = new StoredRecord<{ name: string }>(json, 3);
    expect(record.value.name).toBe('Lamp');
    expect(record.value).toBe(record.value);
    expect(record.version).toBe(3);
    expect(JSON.stringify(record)).toBe(JSON.stringify({ value: JSON.parse(json), version: 3 }));
  });

  it('equals, in assertions, a record with the same value and version, and no other', () => {
    const record = new StoredRecord(json, 3);
    expect(record).toEqual({ value: JSON.parse(json), version: 3 });
    expect({ read: record }).toEqual({ read: { value: JSON.parse(json), version: 3 } });
    expect(record).not.toEqual({ value: JSON.parse(json), version: 4 });
    expect(record).not.toEqual({ value: { name: 'Lamp' }, version: 3 });
    expect(record).toEqual(new StoredRecord(json, 3));
    expect(record).not.toEqual(new StoredRecord('{"name":"Desk"}', 3));
  });
});
