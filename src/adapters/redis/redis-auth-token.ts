import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { CacheStoreError } from '../../core/cache-store-error.js';

// Field names used by ElastiCache rotation templates and by hand-made secrets.
const TOKEN_FIELDS = ['token', 'authToken', 'password'] as const;

/**
 * Fetches the ElastiCache AUTH token from Secrets Manager (once per environment, at cold start). The
 * secret may hold the raw token or JSON with a `token`, `authToken` or `password` field.
 */
export async function loadRedisAuthToken(secretArn: string): Promise<string> {
  let secret: unknown;
  try {
    secret = await getSecret(secretArn);
  } catch (error) {
    throw new CacheStoreError(
      'CACHE_STORE_AUTH_FAILED',
      `Could not read the Redis AUTH secret ${secretArn}`,
      {
        cause: error,
      },
    );
  }
  if (typeof secret !== 'string') {
    throw new CacheStoreError(
      'CACHE_STORE_AUTH_FAILED',
      `Redis AUTH secret ${secretArn} has no string value`,
    );
  }
  return parseRedisAuthSecret(secret);
}

/** The token inside a secret string: raw, or JSON carrying one of TOKEN_FIELDS. */
export function parseRedisAuthSecret(secret: string): string {
  const trimmed = secret.trim();
  if (!trimmed.startsWith('{')) {
    if (trimmed === '') throw new CacheStoreError('CACHE_STORE_AUTH_FAILED', 'Redis AUTH secret is empty');
    return trimmed;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (error) {
    throw new CacheStoreError(
      'CACHE_STORE_AUTH_FAILED',
      'Redis AUTH secret looks like JSON but does not parse',
      {
        cause: error,
      },
    );
  }
  const record = parsed as Record<string, unknown>;
  for (const field of TOKEN_FIELDS) {
    const value = record[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  throw new CacheStoreError(
    'CACHE_STORE_AUTH_FAILED',
    `Redis AUTH secret JSON has none of the fields ${TOKEN_FIELDS.join(', ')}`,
  );
}
