import { Cluster, type Result } from 'ioredis';
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
import { assertTtl } from '../assert-ttl.js';
import { getManyOnCluster } from './cluster-get-many.js';
import { ConnectionErrors } from './connection-errors.js';
import type { RedisClient } from './create-redis-client.js';
import { ACQUIRE_LUA, FILL_LUA, INVALIDATE_LUA, WRITE_THROUGH_LUA } from './redis-scripts.js';
import { isAuthRefusal, toCacheStoreError } from './to-cache-store-error.js';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    asideAcquire(
      ...args: [
        entry: string,
        lease: string,
        fence: string,
        token: string,
        leaseTtlMs: number,
        staleAtMs: number,
      ]
    ): Result<[string | null, 0 | 1, 0 | 1], Context>;
    asideFill(
      ...args: [
        entry: string,
        lease: string,
        fence: string,
        token: string,
        value: string,
        ttlMs: number,
        version: string,
      ]
    ): Result<FillResult, Context>;
    asideWriteThrough(
      ...args: [
        entry: string,
        lease: string,
        fence: string,
        value: string,
        version: number,
        ttlMs: number,
        fenceTtlMs: number,
      ]
    ): Result<WriteThroughResult, Context>;
    asideInvalidate(
      ...args: [entry: string, lease: string, fence: string, version: number, fenceTtlMs: number]
    ): Result<'OK', Context>;
  }
}

const ITEM_KEY_COUNT = 3;

/** The client's own timeout normally answers first (with its error as the cause); this is the backstop. */
const DEADLINE_MARGIN_MS = 20;

/**
 * CacheStore on one ioredis client (standalone or cluster): a plain GET on the hot path, the protocol's
 * decisions as Lua scripts (redis-scripts.ts). ioredis sends a script with EVAL the first time on each
 * connection and EVALSHA after, and resends it if the server answers NOSCRIPT (a restart, SCRIPT FLUSH).
 * Every failure rejects with CacheStoreError; fail-fast behaviour comes from the client's options
 * (see redis-client-options.ts). The client's command timeout is also a deadline for each whole call:
 * in cluster mode ioredis retries a command (slot refresh, failover) without counting that time, and a
 * script answered NOSCRIPT is sent again with a timer of its own. A plain GET or MGET on a standalone
 * client needs no second timer: ioredis starts its command timer before it queues or writes the command.
 */
export class RedisCacheStore implements CacheStore {
  private readonly connectionErrors: ConnectionErrors;
  private readonly deadlineMs: number | undefined;

  constructor(private readonly client: RedisClient) {
    const commandTimeoutMs =
      client instanceof Cluster ? client.options.redisOptions?.commandTimeout : client.options.commandTimeout;
    this.deadlineMs = commandTimeoutMs === undefined ? undefined : commandTimeoutMs + DEADLINE_MARGIN_MS;
    // Connection errors also surface on the next command; listening keeps ioredis from printing each one
    // and lets that command's error say why the connection is down.
    this.connectionErrors = ConnectionErrors.track(client);
    client.defineCommand('asideAcquire', { numberOfKeys: ITEM_KEY_COUNT, lua: ACQUIRE_LUA });
    client.defineCommand('asideFill', { numberOfKeys: ITEM_KEY_COUNT, lua: FILL_LUA });
    client.defineCommand('asideWriteThrough', { numberOfKeys: ITEM_KEY_COUNT, lua: WRITE_THROUGH_LUA });
    client.defineCommand('asideInvalidate', { numberOfKeys: ITEM_KEY_COUNT, lua: INVALIDATE_LUA });
  }

  /**
   * Whether a connection of the client is down because Redis refused its credentials, and has not been
   * ready since. Its calls then fail with timeouts or "not connected" errors too: a cluster node's
   * commands wait in its offline queue while it reconnects.
   */
  get credentialsRefused(): boolean {
    return this.connectionErrors.some(isAuthRefusal);
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
    // A cluster's connect fails with "Failed to refresh slots cache"; the nodes' errors say why.
    if (failure) throw toCacheStoreError(failure, 'connect', this.connectionErrors.latest);
  }

  async get(key: string): Promise<string | null> {
    const client = this.client;
    if (client instanceof Cluster) return this.run('GET', () => client.get(key));
    return this.mapErrors('GET', client.get(key));
  }

  /** One MGET on a standalone Redis; on a cluster one pipeline per node (cluster-get-many.ts). */
  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    if (keys.length === 0) return [];
    const client = this.client;
    if (client instanceof Cluster) return this.run('MGET', () => getManyOnCluster(client, keys));
    return this.mapErrors('MGET', client.mget(...keys));
  }

  async acquire(keys: ItemKeys, { token, leaseTtlMs, staleAtMs }: AcquireRequest): Promise<AcquireResult> {
    assertTtl('leaseTtlMs', leaseTtlMs);
    const [entry, granted, fenced] = await this.run('ACQUIRE', () =>
      this.client.asideAcquire(keys.entry, keys.lease, keys.fence, token, wholeMs(leaseTtlMs), staleAtMs),
    );
    return { entry, granted: granted === 1, fenced: fenced === 1 };
  }

  async fill(keys: ItemKeys, { token, entry, ttlMs, version }: FillRequest): Promise<FillResult> {
    assertTtl('ttlMs', ttlMs);
    return this.run('FILL', () =>
      this.client.asideFill(
        keys.entry,
        keys.lease,
        keys.fence,
        token,
        entry,
        wholeMs(ttlMs),
        version?.toString() ?? '',
      ),
    );
  }

  async writeThrough(
    keys: ItemKeys,
    { entry, version, ttlMs, fenceTtlMs }: WriteThroughRequest,
  ): Promise<WriteThroughResult> {
    assertTtl('ttlMs', ttlMs);
    assertTtl('fenceTtlMs', fenceTtlMs);
    return this.run('WRITE_THROUGH', () =>
      this.client.asideWriteThrough(
        keys.entry,
        keys.lease,
        keys.fence,
        entry,
        version,
        wholeMs(ttlMs),
        wholeMs(fenceTtlMs),
      ),
    );
  }

  async invalidate(keys: ItemKeys, { version, fenceTtlMs }: InvalidateRequest): Promise<void> {
    assertTtl('fenceTtlMs', fenceTtlMs);
    await this.run('INVALIDATE', () =>
      this.client.asideInvalidate(keys.entry, keys.lease, keys.fence, version, wholeMs(fenceTtlMs)),
    );
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

  private async mapErrors<T>(operation: string, reply: Promise<T>): Promise<T> {
    try {
      return await reply;
    } catch (error) {
      throw toCacheStoreError(error, operation, this.connectionErrors.latest);
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
      throw toCacheStoreError(error, operation, this.connectionErrors.latest);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** PX takes whole milliseconds; rounding up never shortens the requested lifetime. */
function wholeMs(ms: number): number {
  return Math.ceil(ms);
}
