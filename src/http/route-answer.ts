import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { RequestHooks } from './app.js';
import { toErrorResponse } from './http-errors.js';

/** A read route's answer, framework-free: the Hono routes and the direct read paths all render it. */
export interface RouteAnswer {
  readonly status: ContentfulStatusCode;
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body, as text. */
  readonly json: string;
}

/**
 * A route answered without the app, for a host that recognised the request itself: the app's hooks run as
 * its middleware and error handler run them (onError, then onRequestEnd), and a failure is answered as its
 * error handler answers it.
 */
export async function answerWithHooks(
  hooks: RequestHooks,
  answer: () => Promise<RouteAnswer>,
): Promise<RouteAnswer> {
  try {
    return await answer();
  } catch (error) {
    hooks.onError(error);
    const response = toErrorResponse(error);
    return {
      status: response.status,
      headers: response.headers ?? {},
      json: JSON.stringify({ message: response.message }),
    };
  } finally {
    hooks.onRequestEnd();
  }
}

/**
 * The answer's headers as the adapters send a Hono JSON answer's: the names lower-cased, with
 * `content-type`, in the sorted order a `Headers` object iterates them.
 */
export function answerHeaderEntries(answer: RouteAnswer): Array<readonly [string, string]> {
  const entries: Array<readonly [string, string]> = [['content-type', 'application/json']];
  for (const [name, value] of Object.entries(answer.headers)) entries.push([name.toLowerCase(), value]);
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
