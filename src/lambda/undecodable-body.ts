import type { APIGatewayProxyResult, LambdaEvent } from 'hono/aws-lambda';

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

/** A JSON 400 in the shape the adapter answers with: `multiValueHeaders` when the event had them. */
export function undecodableBodyResult(event: LambdaEvent): APIGatewayProxyResult {
  const contentType = 'application/json';
  const headers =
    'multiValueHeaders' in event && event.multiValueHeaders
      ? { multiValueHeaders: { 'content-type': [contentType] } }
      : { headers: { 'content-type': contentType } };
  return {
    statusCode: 400,
    body: JSON.stringify({ message: 'The body is marked isBase64Encoded but is not valid base64' }),
    isBase64Encoded: false,
    ...headers,
  };
}
