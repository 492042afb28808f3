import { CacheStoreError } from '../../core/cache-store-error.js';

// Refused credentials only: they are what a secret re-read can fix (rotating-redis-cache-store.ts). NOPERM
// (the user may not run that command or touch that key) is the server refusing one command: COMMAND_FAILED.
const AUTH_REPLY = /^(NOAUTH|WRONGPASS)\b|invalid password|invalid username-password/i;
// ioredis's message for a command that got no reply within commandTimeout. A connect timeout is not one:
// that server was never reachable, so it counts as unavailable.
const TIMEOUT_MESSAGE = /^Command timed out$/;
// ioredis's messages for "no usable connection right now": only these say nothing of why, so only these
// borrow the reason from the last connection error (e.g. a refused password).
const NOT_CONNECTED_MESSAGE =
  /^(Stream isn't writeable|Connection is closed|Failed to refresh slots cache|None of startup nodes is available|Cluster isn't ready|Cluster is disconnect|Node is disconnected|No master node is available)/;

/** Whether ioredis gave up waiting for a reply (commandTimeout). */
export function isCommandTimeout(error: Error): boolean {
  return TIMEOUT_MESSAGE.test(error.message);
}

/** Whether Redis refused the credentials (a reply to AUTH or HELLO, or to a command sent without them). */
export function isAuthRefusal(error: Error): boolean {
  return AUTH_REPLY.test(error.message);
}

/**
 * Maps whatever ioredis rejected with to a CacheStoreError. `lastConnectionError` is the most recent error
 * of a connection that has not been ready since (connection-errors.ts), so "not connected" can say why
 * (e.g. a wrong password) instead of only that. A timeout is a timeout whatever a connection said before:
 * an old refusal must not turn an outage into an auth failure, which the circuit breaker ignores.
 */
export function toCacheStoreError(
  error: unknown,
  operation: string,
  lastConnectionError?: Error,
): CacheStoreError {
  if (error instanceof CacheStoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (AUTH_REPLY.test(message)) return failure('CACHE_STORE_AUTH_FAILED', operation, message, error);
  if (TIMEOUT_MESSAGE.test(message)) {
    return new CacheStoreError('CACHE_STORE_TIMEOUT', `Redis ${operation} timed out: ${message}`, {
      cause: error,
    });
  }
  if (isReplyError(error)) return failure('CACHE_STORE_COMMAND_FAILED', operation, message, error);
  if (!NOT_CONNECTED_MESSAGE.test(message))
    return failure('CACHE_STORE_UNAVAILABLE', operation, message, error);
  const why = nodeErrorOf(error) ?? lastConnectionError;
  if (!why) return failure('CACHE_STORE_UNAVAILABLE', operation, message, error);
  const reason = `${message} (last connection error: ${why.message})`;
  const code = isAuthRefusal(why) ? 'CACHE_STORE_AUTH_FAILED' : 'CACHE_STORE_UNAVAILABLE';
  return failure(code, operation, reason, error);
}

function failure(
  code: CacheStoreError['code'],
  operation: string,
  reason: string,
  cause: unknown,
): CacheStoreError {
  return new CacheStoreError(code, `Redis ${operation} failed: ${reason}`, { cause });
}

// An error reply from the server (as opposed to a client-side connection error) is named ReplyError.
function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

/** ioredis's ClusterAllFailedError carries the error of the last node it tried. */
function nodeErrorOf(error: unknown): Error | undefined {
  if (!(error instanceof Error) || !('lastNodeError' in error)) return undefined;
  return error.lastNodeError instanceof Error ? error.lastNodeError : undefined;
}
