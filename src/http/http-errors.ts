import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { SourceError } from '../core/source-error.js';
import { InvalidProductError } from '../products/invalid-product-error.js';

export interface ErrorResponse {
  readonly status: ContentfulStatusCode;
  readonly message: string;
  readonly headers?: Record<string, string>;
}

/** Seconds a client should wait before retrying when DynamoDB throttles or fails. */
const RETRY_AFTER_SECONDS = 1;

/**
 * Failures thrown past the routes: the table's, and an item DynamoDB refused that the schema let
 * through (its message says why). Other bad input is answered before it reaches here.
 */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof InvalidProductError) return { status: 400, message: error.message };
  if (error instanceof SourceError) {
    return {
      status: 503,
      message: 'Product store is temporarily unavailable, retry shortly',
      headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
    };
  }
  return { status: 500, message: 'Internal server error' };
}
