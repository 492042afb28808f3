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
import {
  type AuthSecretReader,
  type AuthSecretStage,
  parseRedisAuthSecret,
  SECRET_REQUEST_TIMEOUT_MS,
} from './redis-auth-token.js';
import { RedisCacheStore } from './redis-cache-store.js';
import type { RedisConnectionSettings } from './redis-client-options.js';
import { type RedisCredentials, sameCredentials } from './redis-credentials.js';
import { isAuthRefusal, toCacheStoreError } from './to-cache-store-error.js';
import { untilAborted } from './until-aborted.js';

/** What the store reports about credentials; the composition root turns it into logs and metrics. */
export interface CredentialRotationListener {
  /** Redis refused the credentials (WRONGPASS, NOAUTH) to a call or a (re)connect: reads bypass the cache. */
  onAuthFailure(error: CacheStoreError): void;
  /** The secret is read again (at `stage`) after an auth failure. */
  onSecretRead(stage: AuthSecretStage): void;
  /** One stage of a re-read failed (unreadable, malformed, or past the deadline); the next is still tried. */
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
  /** How long one re-read (every stage) may take; the new client's connect adds its own timeout. */
  readonly secretReadTimeoutMs?: number;
  readonly listener: CredentialRotationListener;
  readonly now?: () => number;
}

// Tried in this order: Terraform's latest version first, then the one before it (still valid while a
// rotation overlaps, and the way out when an apply wrote the secret but failed to update the user).
const STAGES: readonly AuthSecretStage[] = ['AWSCURRENT', 'AWSPREVIOUS'];

/**
 * A RedisCacheStore whose credentials follow the Secrets Manager secret without restarting the environment.
 * When a call fails because Redis refused the credentials (CACHE_STORE_AUTH_FAILED, or any failure while a
 * connection of the client stands refused), the call itself reads the secret again and, if it holds other
 * credentials, connects a new client with them, swaps it in and retries once on it. Inline, because on
 * Lambda nothing runs after the response: a re-read left in the background would freeze half done. It is
 * bounded (the read deadline plus the connect timeout), shared by concurrent callers, and limited to one per
 * interval, so a wrong secret does not hammer Secrets Manager; calls meanwhile fail and the engine answers
 * BYPASS. A new client rather than new options on the old one: ioredis reads `password` at each connect,
 * but a cluster client copies it into every node connection and into its private connection pool.
 */
export class RotatingRedisCacheStore implements CacheStore {
  readonly #options: RotatingRedisCacheStoreOptions;
  readonly #now: () => number;
  #client: RedisClient;
  #store: RedisCacheStore;
  #credentials: RedisCredentials | undefined;
  #lastRefreshAt = Number.NEGATIVE_INFINITY;
  #refreshing: Promise<void> | undefined;
  #refreshAbort: AbortController | undefined;
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

  connect(timeoutMs: number): Promise<void> {
    return this.#call((store) => store.connect(timeoutMs));
  }

  get(key: string): Promise<string | null> {
    return this.#call((store) => store.get(key));
  }

  getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return this.#call((store) => store.getMany(keys));
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

  /** Ends a re-read under way at once (its new client is closed too), then closes the client in use. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#refreshAbort?.abort(new CacheStoreError('CACHE_STORE_UNAVAILABLE', 'the Redis store was closed'));
    await this.#refreshing;
    await this.#store.close();
  }

  #open(credentials: RedisCredentials | undefined): RedisClient {
    const client = createRedisClient({
      ...this.#options.settings,
      authToken: credentials?.password,
      authUsername: credentials?.username,
    });
    // A refused (re)connect is counted here too: a cluster node's calls time out while it reconnects
    // instead of reporting WRONGPASS. The next call that fails on this client re-reads the secret.
    const onConnectionError = (error: Error) => {
      if (isAuthRefusal(error)) this.#options.listener.onAuthFailure(toCacheStoreError(error, 'connect'));
    };
    client.on('error', onConnectionError);
    client.on('node error', onConnectionError);
    return client;
  }

  async #call<T>(operation: (store: RedisCacheStore) => Promise<T>): Promise<T> {
    const store = this.#store;
    try {
      return await operation(store);
    } catch (error) {
      if (!(await this.#renewedAfter(store, error))) throw error;
    }
    try {
      return await operation(this.#store);
    } catch (error) {
      if (isCredentialFailure(error)) this.#options.listener.onAuthFailure(error);
      throw error;
    }
  }

  /** Whether `error` came from refused credentials and the store now holds others to retry with. */
  async #renewedAfter(failedOn: RedisCacheStore, error: unknown): Promise<boolean> {
    if (isCredentialFailure(error)) this.#options.listener.onAuthFailure(error);
    else if (!(error instanceof CacheStoreError && failedOn.credentialsRefused)) return false;
    // A store replaced while the call was out needs no re-read: the retry goes to its successor.
    if (failedOn === this.#store) await this.#refresh();
    return !this.#closed && this.#store !== failedOn;
  }

  /** The re-read under way, else a new one unless the last began less than an interval ago. */
  #refresh(): Promise<void> {
    if (this.#refreshing) return this.#refreshing;
    if (this.#closed || this.#now() - this.#lastRefreshAt < this.#options.refreshIntervalMs) {
      return Promise.resolve();
    }
    this.#lastRefreshAt = this.#now();
    const abort = new AbortController();
    this.#refreshAbort = abort;
    this.#refreshing = this.#replaceCredentials(abort)
      // Every expected failure is reported where it happens; this keeps an unexpected one from
      // escaping to the callers, whose own error says more.
      .catch((cause: unknown) => this.#options.listener.onSecretReadFailed(cause))
      .finally(() => {
        this.#refreshing = undefined;
        this.#refreshAbort = undefined;
      });
    return this.#refreshing;
  }

  async #replaceCredentials(abort: AbortController): Promise<void> {
    const found = await this.#otherCredentials(this.#credentials, abort);
    if (!found || this.#closed) return;
    const client = this.#open(found.credentials);
    const store = new RedisCacheStore(client);
    // Connected before it takes over, so the retry finds it ready. Bounded by the connect timeout.
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
    // QUIT lets calls still out on the old client get their replies; it is bounded by the command timeout.
    await replaced.close();
  }

  /**
   * The first credentials in the secret, newest version first, that are not the refused ones. A stage
   * that cannot be read or parsed is reported and skipped: a bad AWSCURRENT must not hide AWSPREVIOUS.
   */
  async #otherCredentials(
    refused: RedisCredentials | undefined,
    abort: AbortController,
  ): Promise<{ credentials: RedisCredentials; stage: AuthSecretStage } | undefined> {
    const timeoutMs = this.#options.secretReadTimeoutMs ?? SECRET_REQUEST_TIMEOUT_MS;
    const deadline = setTimeout(
      () =>
        abort.abort(
          new CacheStoreError('CACHE_STORE_AUTH_FAILED', `Redis AUTH secret not read within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
    try {
      for (const stage of STAGES) {
        if (abort.signal.aborted) return undefined;
        this.#options.listener.onSecretRead(stage);
        try {
          const secret = await untilAborted(this.#options.readSecret(stage, abort.signal), abort.signal);
          if (secret === undefined) continue;
          const credentials = parseRedisAuthSecret(secret);
          if (!sameCredentials(credentials, refused)) return { credentials, stage };
        } catch (error) {
          if (!this.#closed) this.#options.listener.onSecretReadFailed(unusableStage(stage, error));
        }
      }
      return undefined;
    } finally {
      clearTimeout(deadline);
    }
  }
}

function isCredentialFailure(error: unknown): error is CacheStoreError {
  return error instanceof CacheStoreError && error.code === 'CACHE_STORE_AUTH_FAILED';
}

function unusableStage(stage: AuthSecretStage, error: unknown): CacheStoreError {
  const reason = error instanceof Error ? error.message : String(error);
  return new CacheStoreError('CACHE_STORE_AUTH_FAILED', `Redis AUTH secret at ${stage} unusable: ${reason}`, {
    cause: error,
  });
}
