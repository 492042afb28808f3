/** `{name}` or greedy `{name+}` in an API Gateway resource template. */
const TEMPLATE_PARAMETER = /\{(\w+)(\+?)\}/g;

/** A UTF-16 surrogate without its pair: it has no UTF-8 form, so `encodeURIComponent` throws on it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Percent-encodes a value, with U+FFFD for each lone surrogate (as a UTF-8 decoder would have it). */
function encodeValue(value: string): string {
  return encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
}

type PathParameters = Readonly<Record<string, string | undefined>>;

/**
 * Routes on the resource API Gateway matched, not on the path the client typed. `path` (and
 * `requestContext.path`) hold that path as received: behind a custom domain it includes the base-path
 * mapping (`/catalog/product/x`), identically in both fields, so no comparison of the two can strip it; on
 * the execute-api host `requestContext.path` adds the stage. `resource` is the matched template
 * (`/product/{productId}`) and `pathParameters` its decoded values, the same for every domain, mapping and
 * stage; percent-encoding them again gives the path the app's routes are written for.
 */
export function withResolvedPath<E extends object>(event: E): E {
  // Only API Gateway REST (v1) events have a `resource`.
  if (!('resource' in event) || typeof event.resource !== 'string') return event;
  const parameters = ('pathParameters' in event ? event.pathParameters : null) as PathParameters | null;
  let complete = true;
  const path = event.resource.replace(TEMPLATE_PARAMETER, (_match, name: string, greedy: string) => {
    const value = parameters?.[name];
    if (value === undefined) {
      complete = false;
      return '';
    }
    // A greedy parameter spans segments, so its slashes stay separators.
    return greedy ? value.split('/').map(encodeValue).join('/') : encodeValue(value);
  });
  // An event not made by API Gateway (a console test, a direct invoke) may lack the values: keep its path.
  return complete ? { ...event, path } : event;
}
