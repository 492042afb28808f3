import type { CacheOutcome } from '../core/cache-observer.js';
import { SourceError } from '../core/source-error.js';
import type { ProductItemRead, ReadProducts } from '../products/read-products.js';
import type { RequestHooks } from './app.js';
import { checkProductIds } from './product-ids-query.js';
import { answerWithHooks, type RouteAnswer } from './route-answer.js';

/**
 * GET /products's answer when the reads were made. Its JSON: `products` (those found, in the order their
 * ids were asked for), `missing` (ids with no product), `failed` (ids whose read failed, DynamoDB throttled
 * or down with nothing stale to serve: ask for them again).
 */
export interface ProductsReadAnswer extends RouteAnswer {
  readonly status: 200;
}

const OUTCOMES: readonly CacheOutcome[] = ['HIT', 'MISS', 'STALE', 'BYPASS'];

/**
 * GET /products's answer: 200 with what was read, the failed ids listed. Throws when nothing could be
 * read (the first item's error: a SourceError becomes 503 with Retry-After), and on any failure that is
 * not the source's (a bug: 500), so a partial answer never hides one. Products go in as the JSON text
 * they were read as.
 */
export function productsReadAnswer(items: readonly ProductItemRead[]): ProductsReadAnswer {
  const failures = items.flatMap((item) => ('error' in item ? [item.error] : []));
  const unexpected = failures.find((error) => !(error instanceof SourceError));
  if (unexpected !== undefined) throw unexpected;
  if (failures.length > 0 && failures.length === items.length) throw failures[0];
  const products: string[] = [];
  const missing: string[] = [];
  const failed: string[] = [];
  const served = new Map<CacheOutcome, number>();
  for (const item of items) {
    if ('error' in item) {
      failed.push(item.id);
      continue;
    }
    served.set(item.outcome, (served.get(item.outcome) ?? 0) + 1);
    if (item.productJson !== null) products.push(item.productJson);
    else missing.push(item.id);
  }
  // How the answered items were served, e.g. "HIT=98, MISS=2".
  const summary = OUTCOMES.filter((outcome) => served.has(outcome)).map(
    (outcome) => `${outcome}=${served.get(outcome)}`,
  );
  return {
    status: 200,
    headers: summary.length > 0 ? { 'X-Cache': summary.join(', ') } : {},
    json: `{"products":[${products.join(',')}],"missing":${JSON.stringify(missing)},"failed":${JSON.stringify(failed)}}`,
  };
}

/**
 * GET /products for the `ids` query values as the request has them (undefined: no `ids`): 400 naming what is
 * wrong with them, or the answer. Throws as `productsReadAnswer` does.
 */
export async function batchReadAnswer(
  readProducts: ReadProducts,
  idsValues: readonly string[] | undefined,
): Promise<RouteAnswer> {
  const check = checkProductIds(idsValues);
  if (!check.ok) return { status: 400, headers: {}, json: JSON.stringify({ message: check.reason }) };
  return productsReadAnswer(await readProducts(check.ids));
}

/** The batch read route answered without the app, for a host that read the `ids` values itself. */
export function answerBatchReadRoute(
  readProducts: ReadProducts,
  hooks: RequestHooks,
  idsValues: readonly string[] | undefined,
): Promise<RouteAnswer> {
  return answerWithHooks(hooks, () => batchReadAnswer(readProducts, idsValues));
}
