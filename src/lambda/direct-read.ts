import type { APIGatewayProxyResult } from 'hono/aws-lambda';
import type { ReadRoute } from '../composition/create-api-runtime.js';
import { answerHeaderEntries, answerReadRoute, type ReadRouteAnswer } from '../http/product-read-answer.js';
import type { DirectRead } from './direct-read-event.js';

/**
 * The read route answered straight from the event, in exactly the shape `hono/aws-lambda` gives the app's
 * answer: lower-case header names in the Headers' (sorted) order, `multiValueHeaders` when the event has
 * them, no body on HEAD. The app's hooks run as its middleware and error handler run them.
 */
export async function serveDirectRead(
  { readProduct, hooks }: ReadRoute,
  read: DirectRead,
  multiValue: boolean,
): Promise<APIGatewayProxyResult> {
  return toProxyResult(await answerReadRoute(readProduct, hooks, read.id), read.head, multiValue);
}

function toProxyResult(answer: ReadRouteAnswer, head: boolean, multiValue: boolean): APIGatewayProxyResult {
  const body = head ? '' : JSON.stringify(answer.body);
  const entries = answerHeaderEntries(answer);
  if (multiValue) {
    const multiValueHeaders: Record<string, string[]> = {};
    for (const [name, value] of entries) multiValueHeaders[name] = [value];
    return { body, statusCode: answer.status, isBase64Encoded: false, multiValueHeaders };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of entries) headers[name] = value;
  return { body, statusCode: answer.status, isBase64Encoded: false, headers };
}
