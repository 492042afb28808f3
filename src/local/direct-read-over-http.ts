import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ReadRoute } from '../composition/create-api-runtime.js';
import { answerReadRoute } from '../http/product-read-answer.js';
import { answerHeaderEntries } from '../http/route-answer.js';
import { checkProductId } from '../products/product-id.js';

const READ_PATH_PREFIX = '/product/';

/** What the local server needs to answer a product read without the app (batch reads take the app's way). */
export type SingleReadRoute = Pick<ReadRoute, 'readProduct' | 'hooks'>;

/**
 * A Host `@hono/node-server` puts into the request URL as is, without the URL parser (its `reValidHost`);
 * any other Host takes the app's way, which checks it and may refuse it.
 */
const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;

/**
 * The id of a GET or HEAD of `/product/{productId}` that the app would route, unchanged, to the read route:
 * a valid id sent as is (no percent-encoding, no query), not a dot segment, and a plain Host. Such a request
 * can be answered without building a web Request and Response (docs/architecture.md, "The hit path as
 * built"); anything else gives undefined and goes through the app.
 */
export function directReadId(req: IncomingMessage): string | undefined {
  const { method, url } = req;
  if ((method !== 'GET' && method !== 'HEAD') || !url?.startsWith(READ_PATH_PREFIX)) return undefined;
  const host = req.headers.host;
  if (host === undefined || !PLAIN_HOST.test(host)) return undefined;
  const id = url.slice(READ_PATH_PREFIX.length);
  // "." and ".." are ids, but the app routes them on the path as sent (src/http/routing-path.ts).
  if (id === '.' || id === '..' || !checkProductId(id).ok) return undefined;
  return id;
}

/**
 * The read route's answer written as `@hono/node-server` writes the app's, so the bytes are the same: a JSON
 * answer with headers set on it goes out with lower-case names, sorted, then `Content-Length` (none on HEAD);
 * one without (an unexpected failure's 500) with `Content-Type` as Hono names it, and the length Node adds.
 */
export async function serveDirectReadOverHttp(
  { readProduct, hooks }: SingleReadRoute,
  id: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const answer = await answerReadRoute(readProduct, hooks, id);
  const head = req.method === 'HEAD';
  const body = head ? '' : answer.json;
  if (!head && Object.keys(answer.headers).length === 0) {
    res.statusCode = answer.status;
    res.setHeader('Content-Type', 'application/json');
    res.end(body);
    return;
  }
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of answerHeaderEntries(answer)) headers[name] = value;
  if (!head) headers['Content-Length'] = Buffer.byteLength(body);
  res.writeHead(answer.status, headers);
  res.end(body);
}
