import type {
  AcquireRequest,
  AcquireResult,
  CacheStore,
  FillRequest,
  FillResult,
  InvalidateRequest,
  ItemKeys,
  WriteThroughRequest,
  WriteThroughResult,
} from '../../core/cache-store.js';
import { CacheStoreError } from '../../core/cache-store-error.js';
import { createRedisClient, type RedisClient } from './create-redis-client.js';
import { type AuthSecretReader, type AuthSecretStage, parseRedisAuthSecret } from './redis-auth-token.js';
import { RedisCacheStore } from './redis-cache-store.js';
import type { RedisConnectionSettings } from './redis-client-options.js';
import { type RedisCredentials, sameCredentials } from './redis-credentials.js';
import { toCacheStoreError } from './to-cache-store-error.js';

/** What the store reports about credentials; the composition root turns it into logs and metrics. */
export interface CredentialRotationListener {
  /** Redis refused the credentials (WRONGPASS, NOAUTH) to a call or a (re)connect: reads bypass the cache. */
  onAuthFailure(error: CacheStoreError): void;
  /** The secret is read again (at `stage`) after an auth failure. */
  onSecretRead(stage: AuthSecretStage): void;
  onSecretReadFailed(error: unknown): void;
  /** A new connection now uses the credentials found at `stage`. */
  onCredentialsChanged(stage: AuthSecretStage): void;
}

export interface RotatingRedisCacheStoreOptions {
  /** Everything but the credentials, which come from the secret. */
  readonly settings: Omit<RedisConnectionSettings, 'authToken' | 'authUsername'>;
  /** Read at cold start; undefined when that read failed (Redis then answers NOAUTH, which re-reads). */
  readonly credentials: RedisCredentials | undefined;
  readonly readSecret: AuthSecretReader;
  /** At most one re-read per interval; the first one is immediate. */
  readonly refreshIntervalMs: number;
  readonly listener: CredentialRotationListener;
  readonly now?: () => number;
}

// Tried in this order: Terraform's latest version first, then the one before it (still valid while a
// rotation overlaps, and the way out when an apply wrote the secret but failed to update the user).
const STAGES: readonly AuthSecretStage[] = ['AWSCURRENT', 'AWSPREVIOUS'];

/**
 * A RedisCacheStore whose credentials follow the Secrets Manager secret without restarting the environment.
 * When a call fails with CACHE_STORE_AUTH_FAILED (the token was rotated and a reconnect was refused, or the
 * cold-start read failed), the secret is read again in the background — at most once per interval, so a
 * wrong secret does not hammer Secrets Manager — and, if it holds other credentials, a new client connects
 * with them and replaces the old one. Calls meanwhile fail as before, and the engine answers BYPASS.
 * A new client rather than new options on the old one: ioredis reads `password` at each connect, but a
 * cluster client copies it into every node connection and into its private connection pool.
 */
export class RotatingRedisCacheStore implements CacheStore {
  readonly #options: RotatingRedisCacheStoreOptions;
  readonly #now: () => number;
  #client: RedisClient;
  #store: RedisCacheStore;
  #credentials: RedisCredentials | undefined;
  #lastRefreshAt = Number.NEGATIVE_INFINITY;
  #refreshing: Promise<void> | undefined;
  #closed = false;

  constructor(options: RotatingRedisCacheStoreOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#credentials = options.credentials;
    this.#client = this.#open(options.credentials);
    this.#store = new RedisCacheStore(this.#client);
  }

  /** The client in use now, for probes that talk to Redis past the store. */
  get client(): RedisClient {
    return this.#client;
  }

  /** Resolves when no re-read is under way (tests, and close). */
  async settled(): Promise<void> {
    await this.#refreshing;
  }

  connect(timeoutMs: number): Promise<void> {
    return this.#call((store) => store.connect(timeoutMs));
  }

  get(key: string): Promise<string | null> {
    return this.#call((store) => store.get(key));
  }

  acquire(keys: ItemKeys, request: AcquireRequest): Promise<AcquireResult> {
    return this.#call((store) => store.acquire(keys, request));
  }

  fill(keys: ItemKeys, request: FillRequest): Promise<FillResult> {
    return this.#call((store) => store.fill(keys, request));
  }

  writeThrough(keys: ItemKeys, request: WriteThroughRequest): Promise<WriteThroughResult> {
    return this.#call((store) => store.writeThrough(keys, request));
  }

  invalidate(keys: ItemKeys, request: InvalidateRequest): Promise<void> {
    return this.#call((store) => store.invalidate(keys, request));
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#refreshing;
    await this.#store.close();
  }

  #open(credentials: RedisCredentials | undefined): RedisClient {
    const client = createRedisClient({
      ...this.#options.settings,
      authToken: credentials?.password,
      authUsername: credentials?.username,
    });
    // A refused (re)connect is noticed here too: a cluster node's commands wait in its offline queue
    // while it reconnects, so calls time out instead of reporting WRONGPASS.
    const onConnectionError = (error: Error) => {
      const mapped = toCacheStoreError(error, 'connect');
      if (isCredentialFailure(mapped)) this.#onAuthFailure(mapped, client);
    };
    client.on('error', onConnectionError);
    client.on('node error', onConnectionError);
    return client;
  }

  async #call<T>(operation: (store: RedisCacheStore) => Promise<T>): Promise<T> {
    const client = this.#client;
    try {
      return await operation(this.#store);
    } catch (error) {
      if (isCredentialFailure(error)) this.#onAuthFailure(error, client);
      throw error;
    }
  }

  #onAuthFailure(error: CacheStoreError, failedOn: RedisClient): void {
    this.#options.listener.onAuthFailure(error);
    // A call or connection of a replaced client says nothing about the credentials in use now.
    if (failedOn !== this.#client || this.#refreshing || this.#closed) return;
    if (this.#now() - this.#lastRefreshAt < this.#options.refreshIntervalMs) return;
    this.#lastRefreshAt = this.#now();
    this.#refreshing = this.#refresh()
      .catch((cause: unknown) => this.#options.listener.onSecretReadFailed(cause))
      .finally(() => {
        this.#refreshing = undefined;
      });
  }

  async #refresh(): Promise<void> {
    const found = await this.#otherCredentials(this.#credentials);
    if (!found || this.#closed) return;
    const client = this.#open(found.credentials);
    const store = new RedisCacheStore(client);
    // Connected before it takes over, so calls meanwhile get the old client's quick refusal rather
    // than "not connected" errors that the circuit breaker would count as an outage.
    await store.connect(this.#options.settings.connectTimeoutMs).catch(() => undefined);
    if (this.#closed) {
      await store.close();
      return;
    }
    const replaced = this.#store;
    this.#client = client;
    this.#store = store;
    this.#credentials = found.credentials;
    this.#options.listener.onCredentialsChanged(found.stage);
    await replaced.close();
  }

  /** The first credentials in the secret, newest version first, that are not the refused ones. */
  async #otherCredentials(
    refused: RedisCredentials | undefined,
  ): Promise<{ credentials: RedisCredentials; stage: AuthSecretStage } | undefined> {
    for (const stage of STAGES) {
      this.#options.listener.onSecretRead(stage);
      const secret = await this.#options.readSecret(stage);
      if (secret === undefined) continue;
      const credentials = parseRedisAuthSecret(secret);
      if (!sameCredentials(credentials, refused)) return { credentials, stage };
    }
    return undefined;
  }
}

function isCredentialFailure(error: unknown): error is CacheStoreError {
  return error instanceof CacheStoreError && error.code === 'CACHE_STORE_AUTH_FAILED';
}
