import type { DynamoDBRecord } from 'aws-lambda';
import { isTombstone } from '../adapters/dynamodb/tombstone.js';
import type { ItemChange } from '../core/cache-maintenance.js';
import type { Product } from '../products/product.js';
import { itemFromImage, versionOfImage } from './stream-image.js';

/** What one record does to the cache. */
export interface RecordChange {
  readonly change: ItemChange<Product>;
  /** 'invalidate' when the record does not prove a newer version; undefined: the policy's write mode. */
  readonly mode: 'invalidate' | undefined;
}

/**
 * The rule (DESIGN.md section 5): a record writes through only when its new version is larger than the
 * one it replaced; otherwise it invalidates, because a write-through of a version the cache may already
 * hold would be SUPERSEDED and leave the old value cached.
 * - REMOVE (a delete or a TTL expiry): invalidated at the old version; the next read fills the
 *   "not found" under the fence. Invalidating is always safe: a replayed REMOVE costs one miss.
 * - INSERT with version > 0: written through (there is no previous version; a re-created item's HLC
 *   version outranks its deleted self, and a cached "not found" has version 0).
 * - INSERT with version 0 (created by someone who does not version items): invalidated, since a
 *   version-0 write-through cannot replace a cached "not found" or a version-0 entry of a previous life.
 * - MODIFY with NEW.version > OLD.version: written through; a late or duplicate record is refused as
 *   SUPERSEDED by the entry or the fence, so the newest version wins whatever the order.
 * - MODIFY with NEW.version ≤ OLD.version (unversioned writers: 0 → 0; a version kept or moved back by
 *   hand): invalidated, so the next read loads what the table holds.
 * - No new image (a stream not of NEW_AND_OLD_IMAGES): nothing to write, so invalidated.
 * - A new image that is a tombstone (the API's DELETE): a deletion at the tombstone's version. A MODIFY
 *   from a tombstone to a product (a re-create) follows the version rule like any other.
 */
export function changeOfRecord(id: string, record: DynamoDBRecord): RecordChange {
  const { NewImage, OldImage } = record.dynamodb ?? {};
  if (record.eventName === 'REMOVE') {
    return { change: { id, version: versionOfImage(OldImage), value: null }, mode: undefined };
  }
  if (!NewImage) return { change: { id, version: 0, value: null }, mode: 'invalidate' };
  const version = versionOfImage(NewImage);
  // An INSERT replaces nothing (version 0); a MODIFY without its old image cannot prove it is newer.
  const replaced = record.eventName === 'INSERT' ? 0 : OldImage ? versionOfImage(OldImage) : undefined;
  const newer = replaced !== undefined && version > replaced;
  const item = itemFromImage(NewImage);
  if (isTombstone(item)) return { change: { id, version, value: null }, mode: undefined };
  return {
    change: { id, version, value: item as unknown as Product },
    mode: newer ? undefined : 'invalidate',
  };
}
