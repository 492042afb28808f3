import { expect } from 'vitest';
import { StoredRecord } from '../../src/core/stored-record.js';

/**
 * A record served from the cache keeps its value and version behind accessors (src/core/stored-record.ts):
 * in assertions it equals any record with the same value and version, as a loaded one would.
 */
expect.addEqualityTesters([
  function storedRecordEquality(a: unknown, b: unknown, customTesters) {
    if (!(a instanceof StoredRecord) && !(b instanceof StoredRecord)) return undefined;
    const plain = (record: unknown) =>
      record instanceof StoredRecord ? { value: record.value, version: record.version } : record;
    return this.equals(plain(a), plain(b), customTesters);
  },
]);
