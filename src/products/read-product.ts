import type { CacheAside } from '../core/cache-aside.js';
import type { CacheOutcome } from '../core/cache-observer.js';
import { recordJson } from '../core/stored-record.js';
import type { Product } from './product.js';

/** A product read: how it was served and the product as JSON text (as cached, so a hit is not re-encoded). */
export type ProductRead =
  | { readonly outcome: CacheOutcome; readonly productJson: string; readonly version: number }
  | { readonly outcome: CacheOutcome; readonly productJson: null };

export type ReadProduct = (productId: string) => Promise<ProductRead>;

/** The read use-case: a validated id in, the product (or null), its version and how it was served out. */
export function createReadProduct(cache: CacheAside<Product>): ReadProduct {
  return async (productId) => {
    const { outcome, record } = await cache.get(productId);
    return record
      ? { outcome, productJson: recordJson(record), version: record.version }
      : { outcome, productJson: null };
  };
}
