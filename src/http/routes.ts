export interface Route {
  readonly method: 'GET' | 'PUT' | 'DELETE';
  /** API Gateway's path syntax. */
  readonly path: string;
  readonly authorization: 'NONE' | 'AWS_IAM';
  /** The Lambda function (scripts/lambda-functions.ts) that serves it, with that function's role. */
  readonly function: 'api' | 'writer';
}

/**
 * Every route the API serves, by name. The Hono app registers exactly these, and the Terraform tests
 * check that API Gateway has a method for each and no other.
 */
export const ROUTES = {
  readProduct: { method: 'GET', path: '/product/{productId}', authorization: 'NONE', function: 'api' },
  // Batch reads: ?ids=a,b,c (1 to 100 ids).
  readProducts: { method: 'GET', path: '/products', authorization: 'NONE', function: 'api' },
  putProduct: { method: 'PUT', path: '/product/{productId}', authorization: 'AWS_IAM', function: 'writer' },
  deleteProduct: {
    method: 'DELETE',
    path: '/product/{productId}',
    authorization: 'AWS_IAM',
    function: 'writer',
  },
  // Operators' view of the dependencies (Redis memory and evictions among them): signed callers only.
  health: { method: 'GET', path: '/health', authorization: 'AWS_IAM', function: 'api' },
} as const satisfies Record<string, Route>;

export const ALL_ROUTES: readonly Route[] = Object.values(ROUTES);

/** The routes a runtime may serve: reads (the `api` function) and writes (the `writer` function). */
export type RouteGroup = 'read' | 'write';

/** The `Allow` header for a path: every method a route serves there, and HEAD wherever GET is. */
export function allowedMethods(path: string): string {
  const methods = ALL_ROUTES.filter((route) => route.path === path).map((route) => route.method as string);
  if (methods.includes('GET')) methods.splice(methods.indexOf('GET') + 1, 0, 'HEAD');
  return methods.join(', ');
}

/** `/product/{productId}` → `/product/:productId` (Hono's syntax). */
export function toRouterPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}
