import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** A JSON answer whose body is JSON text already, sent as `c.json` sends one (same Content-Type). */
export function jsonText(c: Context, json: string, status: ContentfulStatusCode): Response {
  return c.body(json, status, { 'Content-Type': 'application/json' });
}
