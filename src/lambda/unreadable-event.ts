import type { APIGatewayProxyResult, LambdaEvent } from 'hono/aws-lambda';
import { isUriEncodable } from './uri-encodable.js';

/** Events `hono/aws-lambda` cannot turn into a Request, which it would answer with a bare-text 500. */

/**
 * What `atob` (which the adapter decodes with) accepts, after it drops ASCII whitespace: base64 with or
 * without its padding. Anything else makes the adapter throw a DOMException, which it answers as a bare-text 500.
 */
const FORGIVING_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
const ASCII_WHITESPACE = /[\t\n\f\r ]/g;

/** API Gateway only sends valid base64; any other invoker may not, and that is the client's error. */
export function hasUndecodableBody(event: {
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
}): boolean {
  if (!event.isBase64Encoded || !event.body) return false;
  return !FORGIVING_BASE64.test(event.body.replace(ASCII_WHITESPACE, ''));
}

/**
 * Whether a query parameter's name or value is text the adapter cannot percent-encode (a lone surrogate):
 * building the request's URL throws a URIError. The adapter reads the multi-value parameters when the event
 * has them, else the single ones; it skips null values.
 */
export function hasUnencodableQuery(event: {
  readonly queryStringParameters?: unknown;
  readonly multiValueQueryStringParameters?: unknown;
}): boolean {
  const parameters = event.multiValueQueryStringParameters || event.queryStringParameters;
  if (typeof parameters !== 'object' || parameters === null) return false;
  return Object.entries(parameters).some(
    ([name, value]) =>
      !isUriEncodable(name) ||
      (Array.isArray(value) ? value : [value]).some((one) => typeof one === 'string' && !isUriEncodable(one)),
  );
}

/** What the client is told when its event cannot be read. */
export const UNDECODABLE_BODY = 'The body is marked isBase64Encoded but is not valid base64';
export const UNENCODABLE_QUERY = 'The request could not be read: a query parameter is not valid Unicode text';

/** A JSON 400 in the shape the adapter answers with: `multiValueHeaders` when the event had them. */
export function unreadableEventResult(event: LambdaEvent, message: string): APIGatewayProxyResult {
  const contentType = 'application/json';
  const headers =
    'multiValueHeaders' in event && event.multiValueHeaders
      ? { multiValueHeaders: { 'content-type': [contentType] } }
      : { headers: { 'content-type': contentType } };
  return {
    statusCode: 400,
    body: JSON.stringify({ message }),
    isBase64Encoded: false,
    ...headers,
  };
}
