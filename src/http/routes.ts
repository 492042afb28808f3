/**
 * Every route the API serves, in API Gateway's path syntax. The Hono app registers exactly these,
 * and the Terraform tests check that API Gateway has a method for each and no other.
 */
export const ROUTES = [{ method: 'GET', path: '/product/{productId}', authorization: 'NONE' }] as const;

export type Route = (typeof ROUTES)[number];

/** `/product/{productId}` → `/product/:productId` (Hono's syntax). */
export function toRouterPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}
