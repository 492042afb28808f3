import type { APIGatewayProxyResult } from 'hono/aws-lambda';
import type { ReadRoute } from '../composition/create-api-runtime.js';
import { answerReadRoute } from '../http/product-read-answer.js';
import { answerBatchReadRoute } from '../http/products-read-answer.js';
import { answerHeaderEntries, type RouteAnswer } from '../http/route-answer.js';
import type { DirectRead } from './direct-read-event.js';

/**
 * The read routes answered straight from the event, in exactly the shape `hono/aws-lambda` gives the app's
 * answer: lower-case header names in the Headers' (sorted) order, `multiValueHeaders` when the event has
 * them, no body on HEAD. The app's hooks run as its middleware and error handler run them.
 */
export async function serveDirectRead(
  { readProduct, readProducts, hooks }: ReadRoute,
  read: DirectRead,
  multiValue: boolean,
): Promise<APIGatewayProxyResult> {
  const answer =
    read.route === 'read'
      ? await answerReadRoute(readProduct, hooks, read.id)
      : await answerBatchReadRoute(readProducts, hooks, read.idsValues);
  return toProxyResult(answer, read.head, multiValue);
}

function toProxyResult(answer: RouteAnswer, head: boolean, multiValue: boolean): APIGatewayProxyResult {
  const body = head ? '' : answer.json;
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
