/**
 * A deleted product stays in the table for a day as a tombstone, `{productId, version, deleted: true,
 * expiresAt}`, which DynamoDB's TTL then removes. The tombstone keeps the deleted item's place in the
 * version order: a create reads it and writes on condition that it is still there, so a create whose
 * read saw "absent" can never land after the item was created and deleted again (the ABA case, where
 * `attribute_not_exists` holds once more and a lower version would win). The consistency checker
 * found that case with plain deletes.
 */
export const TOMBSTONE_ATTRIBUTE = 'deleted';

/** The table's TTL attribute (epoch seconds); infra/terraform/modules/table enables TTL on it. */
export const EXPIRES_AT_ATTRIBUTE = 'expiresAt';

/** Far past any write's retries, short enough that tombstones do not pile up. */
export const TOMBSTONE_RETENTION_SECONDS = 24 * 3600;

export function isTombstone(item: Readonly<Record<string, unknown>> | undefined): boolean {
  return item?.[TOMBSTONE_ATTRIBUTE] === true;
}

export function tombstone(
  keyName: string,
  id: string,
  version: number,
  nowMs: number,
): Record<string, unknown> {
  return {
    [keyName]: id,
    version,
    [TOMBSTONE_ATTRIBUTE]: true,
    [EXPIRES_AT_ATTRIBUTE]: Math.ceil(nowMs / 1000) + TOMBSTONE_RETENTION_SECONDS,
  };
}
