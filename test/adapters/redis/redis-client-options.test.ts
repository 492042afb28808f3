import { describe, expect, it } from 'vitest';
import {
  buildClusterOptions,
  buildStandaloneOptions,
  parseRedisEndpoint,
  type RedisConnectionSettings,
  reconnectDelayMs,
} from '../../../src/adapters/redis/redis-client-options.js';

const base: RedisConnectionSettings = {
  url: 'redis://cache.internal:6380',
  mode: 'standalone',
  connectTimeoutMs: 500,
  commandTimeoutMs: 150,
};

describe('Redis client options', () => {
  it('fails fast: no offline queue, no per-request retries, the configured timeouts, lazy connect', () => {
    expect(buildStandaloneOptions(base)).toMatchObject({
      host: 'cache.internal',
      port: 6380,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 500,
      commandTimeout: 150,
      lazyConnect: true,
      tls: undefined,
    });
    expect(parseRedisEndpoint('redis://cache.internal').port).toBe(6379);
  });

  it('turns TLS on for rediss:// and keeps extra TLS options', () => {
    expect(buildStandaloneOptions({ ...base, url: 'rediss://cache.internal' }).tls).toEqual({});
    const withCa = buildStandaloneOptions({ ...base, url: 'rediss://cache.internal', tls: { ca: 'PEM' } });
    expect(withCa.tls).toEqual({ ca: 'PEM' });
  });

  it('takes credentials from the URL, decoded, and lets a supplied token replace the password', () => {
    const fromUrl = buildStandaloneOptions({ ...base, url: 'redis://app:p%40ss%3Aword@cache.internal' });
    expect(fromUrl).toMatchObject({ username: 'app', password: 'p@ss:word' });
    const passwordOnly = buildStandaloneOptions({ ...base, url: 'redis://:secret@cache.internal' });
    expect(passwordOnly).toMatchObject({ username: undefined, password: 'secret' });
    const token = buildStandaloneOptions({ ...base, url: 'redis://:old@cache.internal', authToken: 'tok' });
    expect(token.password).toBe('tok');
  });

  it('gives every cluster node connection TLS, AUTH and timeouts, and passes host names through for TLS', () => {
    const options = buildClusterOptions({
      ...base,
      mode: 'cluster',
      url: 'rediss://clustercfg.aside.cache.amazonaws.com:6380',
      authToken: 'tok',
    });
    expect(options).toMatchObject({ enableOfflineQueue: false, lazyConnect: true });
    expect(options.redisOptions).toMatchObject({
      tls: {},
      password: 'tok',
      connectTimeout: 500,
      commandTimeout: 150,
      maxRetriesPerRequest: 0,
    });
    const resolved: Array<string> = [];
    options.dnsLookup?.('node-1.aside.cache.amazonaws.com', (_error, address) => resolved.push(address));
    expect(resolved).toEqual(['node-1.aside.cache.amazonaws.com']);
    expect(options.clusterNodeRetryStrategy).toBe(reconnectDelayMs);
  });

  it('keeps reconnecting with a bounded backoff', () => {
    const delays = [1, 2, 3, 10, 100, 10_000].map(reconnectDelayMs);
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
    expect(Math.max(...delays)).toBeLessThanOrEqual(2_000);
    expect(Math.min(...delays)).toBeGreaterThan(0);
  });

  it('rejects a URL that is not redis:// or rediss://', () => {
    expect(() => buildStandaloneOptions({ ...base, url: 'http://cache.internal' })).toThrow(/redis:\/\//);
  });
});
