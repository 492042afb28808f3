import { Cluster } from 'ioredis';
import type { CacheStore } from '../../core/cache-store.js';
import type { RedisClient } from './create-redis-client.js';
import { CacheStoreError, toCacheStoreError } from './errors.js';

/** The client's own timeout normally answers first (with its error as the cause); this is the backstop. */
const DEADLINE_MARGIN_MS = 20;

/**
 * CacheStore on one ioredis client (standalone or cluster): plain GET, SET PX and UNLINK. Every failure
 * rejects with CacheStoreError; fail-fast behaviour comes from the client's options
 * (see redis-client-options.ts). The client's command timeout is also a deadline for each whole call:
 * in cluster mode ioredis retries a command (slot refresh, failover) without counting that time.
 */
export class RedisCacheStore implements CacheStore {
  private lastConnectionError: Error | undefined;
  private readonly deadlineMs: number | undefined;

  constructor(private readonly client: RedisClient) {
    const commandTimeoutMs =
      client instanceof Cluster ? client.options.redisOptions?.commandTimeout : client.options.commandTimeout;
    this.deadlineMs = commandTimeoutMs === undefined ? undefined : commandTimeoutMs + DEADLINE_MARGIN_MS;
    // Connection errors also surface on the next command; listening keeps ioredis from printing each one
    // and lets that command's error say why the connection is down.
    const remember = (error: Error) => {
      this.lastConnectionError = error;
    };
    client.on('error', remember);
    client.on('node error', remember);
    client.on('ready', () => {
      this.lastConnectionError = undefined;
    });
  }

  /**
   * Opens the connection and waits until it is ready, at most `timeoutMs`. Rejects with a CacheStoreError
   * on the first connection error or at the timeout; the client keeps reconnecting in the background and
   * commands fail fast meanwhile, so a caller may log the rejection and carry on.
   */
  async connect(timeoutMs: number): Promise<void> {
    if (this.client.status === 'ready') return;
    let settle: (error: Error | undefined) => void = () => undefined;
    const outcome = new Promise<Error | undefined>((resolve) => {
      settle = resolve;
    });
    const onReady = () => settle(undefined);
    const onError = (error: Error) => settle(error);
    const timer = setTimeout(() => settle(new Error(`not ready within ${timeoutMs} ms`)), timeoutMs);
    this.client.once('ready', onReady);
    this.client.once('error', onError);
    if (this.client.status === 'wait') {
      // Failures arrive as 'error' events (and drive the reconnect loop), not through this promise.
      this.client.connect().catch(() => undefined);
    }
    const failure = await outcome;
    clearTimeout(timer);
    this.client.off('ready', onReady);
    this.client.off('error', onError);
    if (failure) throw toCacheStoreError(failure, 'connect');
  }

  async get(key: string): Promise<string | null> {
    return this.run('GET', () => this.client.get(key));
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be positive, got ${ttlMs}`);
    // PX takes whole milliseconds; rounding up never shortens the requested lifetime.
    await this.run('SET', () => this.client.set(key, value, 'PX', Math.ceil(ttlMs)));
  }

  async delete(key: string): Promise<void> {
    // UNLINK frees large values off the main thread, so a delete never stalls other clients.
    await this.run('UNLINK', () => this.client.unlink(key));
  }

  async close(): Promise<void> {
    if (this.client.status !== 'ready') {
      this.client.disconnect();
      return;
    }
    try {
      await this.client.quit();
    } catch {
      // QUIT could not be delivered (e.g. the server froze); drop the sockets instead.
      this.client.disconnect();
    }
  }

  private async run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      if (this.deadlineMs === undefined) return;
      const ms = this.deadlineMs;
      timer = setTimeout(
        () =>
          reject(
            new CacheStoreError('CACHE_STORE_TIMEOUT', `Redis ${operation} got no reply within ${ms} ms`),
          ),
        ms,
      );
    });
    try {
      return await Promise.race([command(), deadline]);
    } catch (error) {
      throw toCacheStoreError(error, operation, this.lastConnectionError);
    } finally {
      clearTimeout(timer);
    }
  }
}
