import type { CacheAside } from '../core/cache-aside.js';
import type { CacheOutcome } from '../core/cache-observer.js';
import type { Product } from './product.js';

export type ProductRead =
  | { readonly outcome: CacheOutcome; readonly product: Product; readonly version: number }
  | { readonly outcome: CacheOutcome; readonly product: null };

export type ReadProduct = (productId: string) => Promise<ProductRead>;

/** The read use-case: a validated id in, the product (or null), its version and how it was served out. */
export function createReadProduct(cache: CacheAside<Product>): ReadProduct {
  return async (productId) => {
    const { outcome, record } = await cache.get(productId);
    return record ? { outcome, product: record.value, version: record.version } : { outcome, product: null };
  };
}
