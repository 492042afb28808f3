import { ROUTES } from '../http/routes.js';
import { checkProductId } from '../products/product-id.js';
import { isUriEncodable } from './uri-encodable.js';

/** An RFC 9110 token: what the Fetch API accepts as a header name. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * A printable ASCII header value (tab allowed): the Fetch API refuses NUL, CR and LF, and the adapter
 * percent-encodes non-ASCII values (throwing on a lone surrogate), so those take the app's way.
 */
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;
/** A host name whose last label starts with a letter (never an IPv4 address) and no punycode label. */
const PLAIN_DOMAIN = /^(?!xn--)[A-Za-z0-9-]+(?:\.(?!xn--)[A-Za-z0-9-]+)*$/i;
const LAST_LABEL_IS_NAME = /(?:^|\.)[A-Za-z][A-Za-z0-9-]*$/;

/** A read the handler answers without the app: one product, or a batch with its `ids` query values. */
export type DirectRead =
  | { readonly route: 'read'; readonly id: string; readonly head: boolean }
  | { readonly route: 'batch'; readonly idsValues: readonly string[] | undefined; readonly head: boolean };

type Fields = Readonly<Record<string, unknown>>;

/**
 * A GET or HEAD of `/product/{productId}` with a valid id, or of `/products`, that `hono/aws-lambda` would
 * turn into a Request without error: such an event reaches the read route with that id (the batch route
 * with those `ids` values), and only it, so it can be answered without building a Request and a Response
 * (docs/architecture.md, "The hit path as built"). Anything else (another route, an invalid id, a header,
 * host or query the adapter would refuse or mangle, another event kind) gives undefined and goes through
 * the app: what is not plainly a read keeps the app's answer.
 */
export function directRead(event: Fields): DirectRead | undefined {
  const method = event.httpMethod;
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  if ('rawPath' in event || !isPlainRequestContext(event.requestContext)) return undefined;
  if (!hasPlainHeaders(event.headers, event.multiValueHeaders)) return undefined;
  const single = event.queryStringParameters;
  const multi = event.multiValueQueryStringParameters;
  if (!hasPlainQuery(single, multi)) return undefined;
  const head = method === 'HEAD';
  if (event.resource === ROUTES.readProducts.path) {
    return { route: 'batch', idsValues: idsValues(single as Fields | null, multi as Fields | null), head };
  }
  if (event.resource !== ROUTES.readProduct.path) return undefined;
  const id = (event.pathParameters as Fields | null | undefined)?.productId;
  if (typeof id !== 'string' || !checkProductId(id).ok) return undefined;
  return { route: 'read', id, head };
}

/**
 * The `ids` values the app reads from the query the adapter builds: from the multi-value parameters when the
 * event has them, else from the single ones (strings or undefined there: hasPlainQuery checked them).
 */
function idsValues(
  single: Fields | null | undefined,
  multi: Fields | null | undefined,
): string[] | undefined {
  if (multi) return (multi.ids as string[] | null | undefined) ?? undefined;
  const value = single?.ids as string | undefined;
  return value === undefined ? undefined : [value];
}

/** API Gateway REST: not ALB (`elb`) or VPC Lattice (`serviceArn`), with a host the URL parser takes. */
function isPlainRequestContext(context: unknown): boolean {
  if (typeof context !== 'object' || context === null) return false;
  if ('elb' in context || 'serviceArn' in context || !('domainName' in context)) return false;
  const domain = context.domainName;
  return typeof domain === 'string' && PLAIN_DOMAIN.test(domain) && LAST_LABEL_IS_NAME.test(domain);
}

function hasPlainHeaders(single: unknown, multi: unknown): boolean {
  if (single !== null && single !== undefined) {
    if (typeof single !== 'object') return false;
    for (const [name, value] of Object.entries(single)) {
      if (!isPlainHeader(name, value) && value) return false;
    }
  }
  if (multi === null || multi === undefined) return true;
  if (typeof multi !== 'object') return false;
  for (const [name, values] of Object.entries(multi)) {
    if (!values) continue;
    if (!Array.isArray(values) || !values.every((value) => isPlainHeader(name, value))) return false;
  }
  return true;
}

function isPlainHeader(name: string, value: unknown): boolean {
  return typeof value === 'string' && HEADER_NAME.test(name) && HEADER_VALUE.test(value);
}

/** Query parameters the adapter can percent-encode (strings it can encode, arrays where it expects them). */
function hasPlainQuery(single: unknown, multi: unknown): boolean {
  if (multi) {
    if (typeof multi !== 'object') return false;
    return Object.entries(multi).every(
      ([name, values]) =>
        isUriEncodable(name) && (!values || (Array.isArray(values) && values.every(isUriEncodable))),
    );
  }
  if (single === null || single === undefined) return true;
  if (typeof single !== 'object') return false;
  return Object.entries(single).every(
    ([name, value]) => isUriEncodable(name) && (value === undefined || isUriEncodable(value)),
  );
}
