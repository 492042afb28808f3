import type { ProductRead, ReadProduct } from '../products/read-product.js';
import type { RequestHooks } from './app.js';
import { entityTag } from './entity-tags.js';
import { toErrorResponse } from './http-errors.js';

/** The read route's answer, framework-free: the Hono route and the direct read paths all render it. */
export interface ProductReadAnswer {
  readonly status: 200 | 404;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as JSON. */
  readonly body: unknown;
}

/** What the read route answers, a failure included. */
export interface ReadRouteAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as JSON. */
  readonly body: unknown;
}

export function productReadAnswer(read: ProductRead): ProductReadAnswer {
  // HIT on a 404 means a cached "not found": DynamoDB was not asked.
  if (!read.product) {
    return { status: 404, headers: { 'X-Cache': read.outcome }, body: { message: 'Product not found' } };
  }
  return {
    status: 200,
    headers: { 'X-Cache': read.outcome, ETag: entityTag(read.version) },
    body: read.product,
  };
}

/**
 * The read route answered without the app, for a host that checked the id itself: the app's hooks run as
 * its middleware and error handler run them (onError, then onRequestEnd), and a failure is answered as its
 * error handler answers it.
 */
export async function answerReadRoute(
  readProduct: ReadProduct,
  hooks: RequestHooks,
  id: string,
): Promise<ReadRouteAnswer> {
  try {
    return productReadAnswer(await readProduct(id));
  } catch (error) {
    hooks.onError(error);
    const response = toErrorResponse(error);
    return { status: response.status, headers: response.headers ?? {}, body: { message: response.message } };
  } finally {
    hooks.onRequestEnd();
  }
}

/**
 * The answer's headers as the adapters send a Hono JSON answer's: the names lower-cased, with
 * `content-type`, in the sorted order a `Headers` object iterates them.
 */
export function answerHeaderEntries(answer: ReadRouteAnswer): Array<readonly [string, string]> {
  const entries: Array<readonly [string, string]> = [['content-type', 'application/json']];
  for (const [name, value] of Object.entries(answer.headers)) entries.push([name.toLowerCase(), value]);
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
