import type { BatchRead } from '../core/batch-read.js';
import type { CacheOutcome } from '../core/cache-observer.js';
import { recordJson } from '../core/stored-record.js';
import type { Product } from './product.js';

/**
 * One id of a batch read: the product as JSON text (null: not found) and how it was served, or why it
 * failed.
 */
export type ProductItemRead =
  | {
      readonly id: string;
      readonly outcome: CacheOutcome;
      readonly productJson: string;
      readonly version: number;
    }
  | { readonly id: string; readonly outcome: CacheOutcome; readonly productJson: null }
  | { readonly id: string; readonly outcome: CacheOutcome; readonly error: unknown };

/** Validated, distinct ids in (at most MAX_BATCH_IDS), one answer per id out, in the same order. */
export type ReadProducts = (productIds: readonly string[]) => Promise<ProductItemRead[]>;

/** The batch read use-case: many ids through the cache at once (src/core/batch-read.ts). */
export function createReadProducts(batch: BatchRead<Product>): ReadProducts {
  return async (productIds) =>
    (await batch.getMany(productIds)).map((item) => {
      if ('error' in item) return item;
      const { id, outcome, record } = item;
      return record
        ? { id, outcome, productJson: recordJson(record), version: record.version }
        : { id, outcome, productJson: null };
    });
}
