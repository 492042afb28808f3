import type { CacheOutcome } from '../core/cache-observer.js';
import { SourceError } from '../core/source-error.js';
import type { Product } from '../products/product.js';
import type { ProductItemRead } from '../products/read-products.js';

export interface ProductsReadAnswer {
  readonly status: 200;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: {
    /** The products found, in the order their ids were asked for. */
    readonly products: readonly Product[];
    /** Ids with no product. */
    readonly missing: readonly string[];
    /** Ids whose read failed (DynamoDB throttled or down, nothing stale to serve): ask for them again. */
    readonly failed: readonly string[];
  };
}

const OUTCOMES: readonly CacheOutcome[] = ['HIT', 'MISS', 'STALE', 'BYPASS'];

/**
 * GET /products's answer: 200 with what was read, the failed ids listed. Throws when nothing could be
 * read (the first item's error: a SourceError becomes 503 with Retry-After), and on any failure that is
 * not the source's (a bug: 500), so a partial answer never hides one.
 */
export function productsReadAnswer(items: readonly ProductItemRead[]): ProductsReadAnswer {
  const failures = items.flatMap((item) => ('error' in item ? [item.error] : []));
  const unexpected = failures.find((error) => !(error instanceof SourceError));
  if (unexpected !== undefined) throw unexpected;
  if (failures.length > 0 && failures.length === items.length) throw failures[0];
  const products: Product[] = [];
  const missing: string[] = [];
  const failed: string[] = [];
  const served = new Map<CacheOutcome, number>();
  for (const item of items) {
    if ('error' in item) {
      failed.push(item.id);
      continue;
    }
    served.set(item.outcome, (served.get(item.outcome) ?? 0) + 1);
    if (item.product) products.push(item.product);
    else missing.push(item.id);
  }
  // How the answered items were served, e.g. "HIT=98, MISS=2".
  const summary = OUTCOMES.filter((outcome) => served.has(outcome)).map(
    (outcome) => `${outcome}=${served.get(outcome)}`,
  );
  return {
    status: 200,
    headers: summary.length > 0 ? { 'X-Cache': summary.join(', ') } : {},
    body: { products, missing, failed },
  };
}
