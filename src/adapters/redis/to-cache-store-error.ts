import { CacheStoreError } from '../../core/cache-store-error.js';

// Refused credentials only: they are what a secret re-read can fix (rotating-redis-cache-store.ts). NOPERM
// (the user may not run that command or touch that key) is the server refusing one command: COMMAND_FAILED.
const AUTH_REPLY = /^(NOAUTH|WRONGPASS)\b|invalid password|invalid username-password/i;
// ioredis's message for a command that got no reply within commandTimeout. A connect timeout is not one:
// that server was never reachable, so it counts as unavailable.
const TIMEOUT_MESSAGE = /^Command timed out$/;

/**
 * Maps whatever ioredis rejected with to a CacheStoreError. `lastConnectionError` is the most recent
 * connection-level error, so "not connected" can say why (e.g. a wrong password) instead of only that.
 */
export function toCacheStoreError(
  error: unknown,
  operation: string,
  lastConnectionError?: Error,
): CacheStoreError {
  if (error instanceof CacheStoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const reason = lastConnectionError
    ? `${message} (last connection error: ${lastConnectionError.message})`
    : message;
  if (AUTH_REPLY.test(message) || (lastConnectionError && AUTH_REPLY.test(lastConnectionError.message))) {
    return new CacheStoreError('CACHE_STORE_AUTH_FAILED', `Redis ${operation} failed: ${reason}`, {
      cause: error,
    });
  }
  if (TIMEOUT_MESSAGE.test(message)) {
    return new CacheStoreError('CACHE_STORE_TIMEOUT', `Redis ${operation} timed out: ${message}`, {
      cause: error,
    });
  }
  if (isReplyError(error)) {
    return new CacheStoreError('CACHE_STORE_COMMAND_FAILED', `Redis ${operation} failed: ${message}`, {
      cause: error,
    });
  }
  return new CacheStoreError('CACHE_STORE_UNAVAILABLE', `Redis ${operation} failed: ${reason}`, {
    cause: error,
  });
}

// An error reply from the server (as opposed to a client-side connection error) is named ReplyError.
function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}
