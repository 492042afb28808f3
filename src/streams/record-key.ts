import type { DynamoDBRecord } from 'aws-lambda';
import { checkProductId, type ProductIdCheck } from '../products/product-id.js';

/** The table's partition key: every record names its item by it in `dynamodb.Keys`. */
export const PRODUCT_KEY_ATTRIBUTE = 'productId';

/**
 * The record's product id, checked as the API checks a path's: anyone can write any key to the table,
 * and only ids in the safe set may become cache keys.
 */
export function productIdOfRecord(record: DynamoDBRecord): ProductIdCheck {
  const key = record.dynamodb?.Keys?.[PRODUCT_KEY_ATTRIBUTE];
  if (key?.S === undefined) return { ok: false, reason: 'the record has no string productId key' };
  return checkProductId(key.S);
}
