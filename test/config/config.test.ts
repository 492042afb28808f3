import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('loadConfig', () => {
  it('has a default for every setting that works locally', () => {
    expect(loadConfig({})).toEqual({
      aws: { region: 'us-east-1' },
      dynamodb: { tableName: 'Products', endpoint: undefined, daxEndpoint: undefined, timeoutMs: 1000 },
      redis: {
        url: undefined,
        mode: 'standalone',
        authSecretArn: undefined,
        connectTimeoutMs: 500,
        commandTimeoutMs: 150,
      },
      cache: { keyPrefix: 'aside', ttlSeconds: 300, ttlJitterPercent: 10 },
      observability: { metricsNamespace: 'Aside', serviceName: 'aside', logLevel: 'INFO' },
      http: { port: 3000 },
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      AWS_REGION: 'eu-west-1',
      TABLE_NAME: 'Catalog',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      DAX_ENDPOINT: 'daxs://cluster.abc.dax-clusters.eu-west-1.amazonaws.com',
      DYNAMODB_TIMEOUT_MS: '800',
      REDIS_URL: 'rediss://default:secret@master.cache.amazonaws.com:6380',
      REDIS_MODE: 'cluster',
      REDIS_AUTH_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:aside-redis',
      REDIS_CONNECT_TIMEOUT_MS: '250',
      REDIS_COMMAND_TIMEOUT_MS: '50',
      CACHE_KEY_PREFIX: 'shop',
      CACHE_TTL_SECONDS: '60',
      CACHE_TTL_JITTER_PERCENT: '0',
      METRICS_NAMESPACE: 'Shop',
      SERVICE_NAME: 'catalog',
      LOG_LEVEL: 'DEBUG',
      PORT: '8080',
    });
    expect(config.dynamodb).toEqual({
      tableName: 'Catalog',
      endpoint: 'http://127.0.0.1:8000',
      daxEndpoint: 'daxs://cluster.abc.dax-clusters.eu-west-1.amazonaws.com',
      timeoutMs: 800,
    });
    expect(config.redis).toMatchObject({ mode: 'cluster', connectTimeoutMs: 250, commandTimeoutMs: 50 });
    expect(config.cache).toEqual({ keyPrefix: 'shop', ttlSeconds: 60, ttlJitterPercent: 0 });
    expect(config.observability).toEqual({
      metricsNamespace: 'Shop',
      serviceName: 'catalog',
      logLevel: 'DEBUG',
    });
    expect(config.http.port).toBe(8080);
  });

  it('treats empty and blank variables as unset, so their defaults apply', () => {
    const config = loadConfig({
      REDIS_URL: '',
      DYNAMODB_ENDPOINT: ' ',
      PORT: '',
      CACHE_TTL_JITTER_PERCENT: '',
      DYNAMODB_TIMEOUT_MS: ' ',
      TABLE_NAME: '',
    });
    expect(config.redis.url).toBeUndefined();
    expect(config.dynamodb.endpoint).toBeUndefined();
    expect(config.http.port).toBe(3000);
    expect(config.cache.ttlJitterPercent).toBe(10);
    expect(config.dynamodb.timeoutMs).toBe(1000);
    expect(config.dynamodb.tableName).toBe('Products');
  });

  it('names every invalid variable at once', () => {
    const attempt = () =>
      loadConfig({
        REDIS_URL: 'http://cache:6380',
        CACHE_TTL_SECONDS: '0',
        REDIS_MODE: 'sentinel',
        PORT: 'x',
      });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/REDIS_URL.*CACHE_TTL_SECONDS|CACHE_TTL_SECONDS.*REDIS_URL/);
    expect(attempt).toThrow(/REDIS_MODE/);
    expect(attempt).toThrow(/PORT/);
  });
});
