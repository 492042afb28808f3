import type { ConnectionOptions } from 'node:tls';
import type { ClusterOptions, RedisOptions } from 'ioredis';

/** What the composition root knows about the Redis it should use (from Config.redis plus a fetched token). */
export interface RedisConnectionSettings {
  /** redis://[user:password@]host[:port] or rediss://… for TLS (ElastiCache in-transit encryption). */
  readonly url: string;
  readonly mode: 'standalone' | 'cluster';
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
  /** An AUTH token (e.g. from Secrets Manager); replaces any password in the URL. */
  readonly authToken?: string | undefined;
  /** The user the token belongs to (the secret's `username`); replaces any username in the URL. */
  readonly authUsername?: string | undefined;
  /** Extra TLS options for rediss:// (e.g. a private CA for a local TLS server); ElastiCache needs none. */
  readonly tls?: ConnectionOptions | undefined;
}

export interface RedisEndpoint {
  readonly host: string;
  readonly port: number;
}

const DEFAULT_REDIS_PORT = 6379;
const RECONNECT_BASE_DELAY_MS = 50;
const RECONNECT_MAX_DELAY_MS = 2_000;

/**
 * Reconnect forever, but with capped exponential backoff: a Lambda environment lives for hours and must
 * pick Redis up again after an outage, while commands meanwhile fail fast (no offline queue).
 */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(RECONNECT_BASE_DELAY_MS * 2 ** Math.min(attempt, 16), RECONNECT_MAX_DELAY_MS);
}

export function parseRedisEndpoint(url: string): RedisEndpoint {
  const parsed = parseUrl(url);
  return { host: parsed.hostname, port: parsed.port === '' ? DEFAULT_REDIS_PORT : Number(parsed.port) };
}

/** Options for one connection, shared by standalone mode and every cluster node connection. */
export function buildConnectionOptions(settings: RedisConnectionSettings) {
  const parsed = parseUrl(settings.url);
  const username = parsed.username === '' ? undefined : decodeURIComponent(parsed.username);
  const urlPassword = parsed.password === '' ? undefined : decodeURIComponent(parsed.password);
  return {
    username: settings.authUsername ?? username,
    password: settings.authToken ?? urlPassword,
    // rediss:// turns TLS on with Node's default CA bundle and hostname check, which ElastiCache satisfies.
    tls: parsed.protocol === 'rediss:' ? { ...settings.tls } : undefined,
    connectTimeout: settings.connectTimeoutMs,
    commandTimeout: settings.commandTimeoutMs,
    // Never retry a command on another connection: the engine fails open instead of waiting.
    maxRetriesPerRequest: 0,
    // Connect when asked (RedisCacheStore.connect or the first command), not on import.
    lazyConnect: true,
  } satisfies Omit<RedisOptions, 'enableOfflineQueue'>;
}

export function buildStandaloneOptions(settings: RedisConnectionSettings): RedisOptions {
  const endpoint = parseRedisEndpoint(settings.url);
  return {
    ...buildConnectionOptions(settings),
    host: endpoint.host,
    port: endpoint.port,
    // A command issued while disconnected is rejected at once instead of waiting for a reconnect.
    enableOfflineQueue: false,
    retryStrategy: reconnectDelayMs,
  };
}

export function buildClusterOptions(settings: RedisConnectionSettings): ClusterOptions {
  return {
    redisOptions: buildConnectionOptions(settings),
    enableOfflineQueue: false,
    lazyConnect: true,
    clusterRetryStrategy: reconnectDelayMs,
    // A node that restarts without a slot change (no MOVED follows) must be reconnected to.
    clusterNodeRetryStrategy: reconnectDelayMs,
    // ElastiCache's configuration endpoint is a DNS name; resolving it to an IP would break the TLS
    // hostname check, so the name is passed through as is.
    dnsLookup: (address, callback) => callback(null, address),
    slotsRefreshTimeout: settings.connectTimeoutMs,
  };
}

function parseUrl(url: string): URL {
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new TypeError(`Redis URL must start with redis:// or rediss://, got ${parsed.protocol}//`);
  }
  return parsed;
}
