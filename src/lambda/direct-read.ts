import type { APIGatewayProxyResult } from 'hono/aws-lambda';
import type { ReadRoute } from '../composition/create-api-runtime.js';
import { toErrorResponse } from '../http/http-errors.js';
import { productReadAnswer } from '../http/product-read-answer.js';
import type { DirectRead } from './direct-read-event.js';

interface PlainAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

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
  let answer: PlainAnswer;
  try {
    answer = productReadAnswer(await readProduct(read.id));
  } catch (error) {
    hooks.onError(error);
    const response = toErrorResponse(error);
    answer = {
      status: response.status,
      headers: response.headers ?? {},
      body: { message: response.message },
    };
  } finally {
    hooks.onRequestEnd();
  }
  return toProxyResult(answer, read.head, multiValue);
}

function toProxyResult(answer: PlainAnswer, head: boolean, multiValue: boolean): APIGatewayProxyResult {
  const names = ['content-type'];
  const values: Record<string, string> = { 'content-type': 'application/json' };
  for (const [name, value] of Object.entries(answer.headers)) {
    const lower = name.toLowerCase();
    names.push(lower);
    values[lower] = value;
  }
  names.sort();
  const body = head ? '' : JSON.stringify(answer.body);
  if (multiValue) {
    const multiValueHeaders: Record<string, string[]> = {};
    for (const name of names) multiValueHeaders[name] = [values[name] as string];
    return { body, statusCode: answer.status, isBase64Encoded: false, multiValueHeaders };
  }
  const headers: Record<string, string> = {};
  for (const name of names) headers[name] = values[name] as string;
  return { body, statusCode: answer.status, isBase64Encoded: false, headers };
}
