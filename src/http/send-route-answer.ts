import type { Context } from 'hono';
import type { RouteAnswer } from './route-answer.js';

/** A route's answer sent through Hono as `c.json` sends a JSON answer (same Content-Type), with its headers. */
export function sendRouteAnswer(c: Context, answer: RouteAnswer): Response {
  for (const [name, value] of Object.entries(answer.headers)) c.header(name, value);
  return c.body(answer.json, answer.status, { 'Content-Type': 'application/json' });
}
