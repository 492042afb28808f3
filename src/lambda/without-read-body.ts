import type { LambdaEvent } from 'hono/aws-lambda';

const BODYLESS_METHODS = new Set(['GET', 'HEAD']);

/**
 * API Gateway REST APIs forward a request body even on GET and HEAD, but the Fetch API the router is built on
 * forbids one there and the adapter would answer a bare-text 400. The body means nothing on a read.
 */
export function withoutReadBody<E extends LambdaEvent>(event: E): E {
  if (!('httpMethod' in event) || !event.body || !BODYLESS_METHODS.has(event.httpMethod)) return event;
  return { ...event, body: null, isBase64Encoded: false };
}
