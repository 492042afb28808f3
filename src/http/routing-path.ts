import { getPath } from 'hono/utils/url';

/** A "." or ".." path segment, also percent-encoded: what the WHATWG URL parser removes or resolves. */
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?=\/|$)/i;

/**
 * The path the app routes on. `Request.url` has been through the WHATWG URL parser, which resolves "." and
 * ".." segments (`/product/..` becomes `/`), yet "." and ".." are valid product ids. Both adapters keep the
 * path as sent beside the request: `@hono/node-server` as `env.incoming.url`, `hono/aws-lambda` as
 * `env.event.path` (rebuilt from `resource` by src/lambda/resolved-path.ts). When that path has a dot segment,
 * it is routed as sent, unresolved; every other request routes on `Request.url` as before.
 */
export function routingPath(request: Request, options?: { env?: unknown }): string {
  const sent = pathAsSent(options?.env);
  if (sent === undefined || !DOT_SEGMENT.test(sent)) return getPath(request);
  // Hono's own getPath reads only `url`: it decodes the path the same way it decodes every other one.
  return getPath({ url: `http://host${sent}` } as Request);
}

/** The origin-form path (no query or fragment) the adapter received, if it exposes one. */
function pathAsSent(env: unknown): string | undefined {
  if (typeof env !== 'object' || env === null) return undefined;
  const target =
    'incoming' in env ? field(env.incoming, 'url') : 'event' in env ? field(env.event, 'path') : undefined;
  if (!target?.startsWith('/')) return undefined;
  return target.split(/[?#]/, 1)[0];
}

function field(value: unknown, name: string): string | undefined {
  if (typeof value !== 'object' || value === null || !(name in value)) return undefined;
  const found = (value as Record<string, unknown>)[name];
  return typeof found === 'string' ? found : undefined;
}
