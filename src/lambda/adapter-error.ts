import type { APIGatewayProxyResult } from 'hono/aws-lambda';

const JSON_CONTENT_TYPE = /^application\/json\b/i;

function contentType(result: APIGatewayProxyResult): string | undefined {
  const multi = result.multiValueHeaders?.['content-type'];
  if (multi) return multi.map(String).join(', ');
  const single = result.headers?.['content-type'];
  return single === undefined ? undefined : String(single);
}

/**
 * The app answers every error with a JSON `message`; the adapter does not when it cannot build a Request from
 * the event (an invalid header name or value, a method the Fetch API forbids, a path that makes no URL): it
 * answers a bare-text "Invalid request" 400 (or "Internal Server Error" 500). Such an answer gets the JSON
 * body every other error has, with its status kept.
 */
export function withJsonErrorBody<R extends APIGatewayProxyResult>(result: R): R {
  if (result.statusCode < 400 || result.isBase64Encoded || !result.body) return result;
  if (JSON_CONTENT_TYPE.test(contentType(result) ?? '')) return result;
  const message =
    result.statusCode === 400 ? 'The request could not be read: invalid method, header or path' : result.body;
  const type = 'application/json';
  const headers = result.multiValueHeaders
    ? { multiValueHeaders: { ...result.multiValueHeaders, 'content-type': [type] } }
    : { headers: { ...result.headers, 'content-type': type } };
  return { ...result, ...headers, body: JSON.stringify({ message }) };
}
