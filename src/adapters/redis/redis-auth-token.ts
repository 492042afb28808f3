import { CacheStoreError } from '../../core/cache-store-error.js';
import type { RedisCredentials } from './redis-credentials.js';

// Field names used by ElastiCache rotation templates and by hand-made secrets.
const TOKEN_FIELDS = ['token', 'authToken', 'password'] as const;

/** Per request: Secrets Manager answers in tens of ms; a hung endpoint must not eat the 10 s Lambda init. */
export const SECRET_REQUEST_TIMEOUT_MS = 1_000;

/**
 * AWSCURRENT is what Terraform wrote last; AWSPREVIOUS is the version before it, which Secrets Manager keeps
 * by itself, and holds the credentials still valid during a rotation (README.md, "Deploy to AWS").
 */
export type AuthSecretStage = 'AWSCURRENT' | 'AWSPREVIOUS';

/**
 * Reads one version of the Redis auth secret; undefined when the secret has no version at that stage.
 * `signal` gives up on the request (the store's re-read has a deadline, and close() ends it).
 */
export type AuthSecretReader = (stage: AuthSecretStage, signal?: AbortSignal) => Promise<string | undefined>;

/**
 * A reader of the secret in Secrets Manager. Every call fetches (no cache): it runs at cold start and when
 * Redis refuses the credentials, both times to learn what the secret holds now. Retries are the caller's
 * (see retry-cold-start-read.ts), so the SDK makes one attempt per call.
 */
export function createSecretsManagerReader(secretArn: string): AuthSecretReader {
  let sdk: ReturnType<typeof loadSecretsManager> | undefined;
  return async (stage, signal) => {
    sdk ??= loadSecretsManager();
    const { client, GetSecretValueCommand, ResourceNotFoundException } = await sdk;
    try {
      const output = await client.send(
        new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage }),
        {
          abortSignal: signal,
        },
      );
      if (typeof output.SecretString !== 'string') {
        throw new CacheStoreError(
          'CACHE_STORE_AUTH_FAILED',
          `Redis AUTH secret ${secretArn} has no string value`,
        );
      }
      return output.SecretString;
    } catch (error) {
      if (error instanceof CacheStoreError) throw error;
      if (stage === 'AWSPREVIOUS' && error instanceof ResourceNotFoundException) return undefined;
      throw new CacheStoreError(
        'CACHE_STORE_AUTH_FAILED',
        `Could not read the Redis AUTH secret ${secretArn}`,
        {
          cause: error,
        },
      );
    }
  };
}

/**
 * The SDK is imported at the first read, not with this module: a function without a secret never loads
 * it (the hit path's cold start counts every module imported at init).
 */
async function loadSecretsManager() {
  const [{ GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient }, { NodeHttpHandler }] =
    await Promise.all([import('@aws-sdk/client-secrets-manager'), import('@smithy/node-http-handler')]);
  const client = new SecretsManagerClient({
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: SECRET_REQUEST_TIMEOUT_MS,
      requestTimeout: SECRET_REQUEST_TIMEOUT_MS,
      // Without it the handler only logs a warning when the request timeout passes, and waits on.
      throwOnRequestTimeout: true,
    }),
  });
  return { client, GetSecretValueCommand, ResourceNotFoundException };
}

/**
 * The credentials inside a secret string: a raw token (the `default` user's password), or JSON carrying one
 * of TOKEN_FIELDS and, optionally, the `username` it belongs to (Terraform writes `{"username","token"}`).
 */
export function parseRedisAuthSecret(secret: string): RedisCredentials {
  const trimmed = secret.trim();
  if (!trimmed.startsWith('{')) {
    if (trimmed === '') throw new CacheStoreError('CACHE_STORE_AUTH_FAILED', 'Redis AUTH secret is empty');
    return { password: trimmed };
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
  const username =
    typeof record.username === 'string' && record.username !== '' ? record.username : undefined;
  for (const field of TOKEN_FIELDS) {
    const value = record[field];
    if (typeof value === 'string' && value !== '') return { username, password: value };
  }
  throw new CacheStoreError(
    'CACHE_STORE_AUTH_FAILED',
    `Redis AUTH secret JSON has none of the fields ${TOKEN_FIELDS.join(', ')}`,
  );
}
