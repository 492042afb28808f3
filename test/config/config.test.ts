import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { DEFAULT_CACHE_POLICY } from '../../src/core/cache-policy.js';

/** The message loadConfig throws for `env`, or a failure when it does not throw a ConfigError. */
function configErrorOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    return (error as ConfigError).message;
  }
  return expect.fail(`expected ${JSON.stringify(env)} to be refused`);
}

describe('loadConfig', () => {
  it('has a default for every setting that works locally', () => {
    expect(loadConfig({})).toEqual({
      aws: { region: 'us-east-1' },
      dynamodb: {
        tableName: 'Products',
        endpoint: undefined,
        daxEndpoint: undefined,
        timeoutMs: 1000,
        maxAttempts: 3,
      },
      redis: {
        url: undefined,
        mode: 'standalone',
        authSecretArn: undefined,
        authRefreshIntervalMs: 30000,
        connectTimeoutMs: 500,
        commandTimeoutMs: 150,
        breaker: { failureThreshold: 5, cooldownMs: 5000 },
      },
      cache: {
        keyPrefix: 'aside',
        policy: {
          ttlSeconds: 300,
          graceSeconds: 3600,
          ttlJitterPercent: 10,
          negativeTtlSeconds: 30,
          leaseTtlMs: 3300,
          leaseWaitMs: 400,
          earlyRefreshBeta: 1,
          fenceTtlMs: 10_000,
          sourceFailureTtlMs: 1000,
          writeMode: 'write-through',
        },
      },
      observability: { metricsNamespace: 'Aside', serviceName: 'aside', logLevel: 'INFO' },
      http: { port: 3000, host: '127.0.0.1' },
    });
  });

  it('defaults to the same policy the engine uses when it is given none', () => {
    expect(loadConfig({}).cache.policy).toEqual(DEFAULT_CACHE_POLICY);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      AWS_REGION: 'eu-west-1',
      TABLE_NAME: 'Catalog',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      DAX_ENDPOINT: 'daxs://cluster.abc.dax-clusters.eu-west-1.amazonaws.com',
      DYNAMODB_TIMEOUT_MS: '800',
      DYNAMODB_MAX_ATTEMPTS: '4',
      REDIS_URL: 'rediss://default:secret@master.cache.amazonaws.com:6380',
      REDIS_MODE: 'cluster',
      REDIS_AUTH_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:aside-redis',
      REDIS_AUTH_REFRESH_INTERVAL_MS: '60000',
      REDIS_CONNECT_TIMEOUT_MS: '250',
      REDIS_COMMAND_TIMEOUT_MS: '50',
      REDIS_BREAKER_FAILURE_THRESHOLD: '3',
      REDIS_BREAKER_COOLDOWN_MS: '2000',
      CACHE_KEY_PREFIX: 'shop',
      CACHE_TTL_SECONDS: '60',
      CACHE_GRACE_SECONDS: '120',
      CACHE_TTL_JITTER_PERCENT: '0',
      CACHE_NEGATIVE_TTL_SECONDS: '5',
      CACHE_LEASE_TTL_MS: '3000',
      CACHE_LEASE_WAIT_MS: '250',
      CACHE_EARLY_REFRESH_BETA: '2.5',
      CACHE_FENCE_TTL_MS: '20000',
      CACHE_SOURCE_FAILURE_TTL_MS: '2500',
      CACHE_WRITE_MODE: 'invalidate',
      METRICS_NAMESPACE: 'Shop',
      SERVICE_NAME: 'catalog',
      LOG_LEVEL: 'DEBUG',
      PORT: '8080',
      HOST: '0.0.0.0',
    });
    expect(config.aws).toEqual({ region: 'eu-west-1' });
    expect(config.dynamodb).toEqual({
      tableName: 'Catalog',
      endpoint: 'http://127.0.0.1:8000',
      daxEndpoint: 'daxs://cluster.abc.dax-clusters.eu-west-1.amazonaws.com',
      timeoutMs: 800,
      maxAttempts: 4,
    });
    expect(config.redis).toEqual({
      url: 'rediss://default:secret@master.cache.amazonaws.com:6380',
      mode: 'cluster',
      authSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:aside-redis',
      authRefreshIntervalMs: 60000,
      connectTimeoutMs: 250,
      commandTimeoutMs: 50,
      breaker: { failureThreshold: 3, cooldownMs: 2000 },
    });
    expect(config.cache).toEqual({
      keyPrefix: 'shop',
      policy: {
        ttlSeconds: 60,
        graceSeconds: 120,
        ttlJitterPercent: 0,
        negativeTtlSeconds: 5,
        leaseTtlMs: 3000,
        leaseWaitMs: 250,
        earlyRefreshBeta: 2.5,
        fenceTtlMs: 20_000,
        sourceFailureTtlMs: 2500,
        writeMode: 'invalidate',
      },
    });
    expect(config.observability).toEqual({
      metricsNamespace: 'Shop',
      serviceName: 'catalog',
      logLevel: 'DEBUG',
    });
    expect(config.http).toEqual({ port: 8080, host: '0.0.0.0' });
  });

  describe('lease TTL', () => {
    it('outlives a load by default: every attempt timing out, the longest pauses, then the fill', () => {
      // 3 attempts × 1000 ms, pauses of at most 50 and 100 ms, the 150 ms Redis command timeout.
      expect(loadConfig({}).cache.policy.leaseTtlMs).toBe(3300);
      expect(loadConfig({ DYNAMODB_TIMEOUT_MS: '800' }).cache.policy.leaseTtlMs).toBe(2700);
      expect(loadConfig({ DYNAMODB_TIMEOUT_MS: '2500' }).cache.policy.leaseTtlMs).toBe(7800);
      expect(loadConfig({ DYNAMODB_MAX_ATTEMPTS: '1' }).cache.policy.leaseTtlMs).toBe(1150);
      expect(
        loadConfig({ DYNAMODB_MAX_ATTEMPTS: '5', REDIS_COMMAND_TIMEOUT_MS: '100' }).cache.policy.leaseTtlMs,
      ).toBe(5000 + 50 + 100 + 200 + 400 + 100);
    });

    it('can be set by CACHE_LEASE_TTL_MS, whatever the DynamoDB timeout', () => {
      const config = loadConfig({ DYNAMODB_TIMEOUT_MS: '800', CACHE_LEASE_TTL_MS: '700' });
      expect(config.cache.policy.leaseTtlMs).toBe(700);
      expect(config.dynamodb.timeoutMs).toBe(800);
    });

    it('is derived again when CACHE_LEASE_TTL_MS is blank', () => {
      expect(loadConfig({ CACHE_LEASE_TTL_MS: '', DYNAMODB_TIMEOUT_MS: '900' }).cache.policy.leaseTtlMs).toBe(
        3000,
      );
      expect(loadConfig({ CACHE_LEASE_TTL_MS: '  ', DYNAMODB_TIMEOUT_MS: ' ' }).cache.policy.leaseTtlMs).toBe(
        3300,
      );
    });
  });

  it('accepts the edges of every cache range', () => {
    const lowest = loadConfig({
      CACHE_TTL_SECONDS: '1',
      CACHE_GRACE_SECONDS: '0',
      CACHE_TTL_JITTER_PERCENT: '0',
      CACHE_NEGATIVE_TTL_SECONDS: '1',
      CACHE_LEASE_TTL_MS: '1',
      CACHE_LEASE_WAIT_MS: '0',
      CACHE_EARLY_REFRESH_BETA: '0',
      CACHE_SOURCE_FAILURE_TTL_MS: '0',
    }).cache.policy;
    expect(lowest).toEqual({
      ttlSeconds: 1,
      graceSeconds: 0,
      ttlJitterPercent: 0,
      negativeTtlSeconds: 1,
      leaseTtlMs: 1,
      leaseWaitMs: 0,
      earlyRefreshBeta: 0,
      fenceTtlMs: 10_000,
      sourceFailureTtlMs: 0,
      writeMode: 'write-through',
    });
    const highest = loadConfig({
      CACHE_TTL_SECONDS: '31536000',
      CACHE_NEGATIVE_TTL_SECONDS: '86400',
      CACHE_LEASE_TTL_MS: '60000',
      CACHE_GRACE_SECONDS: '604800',
      CACHE_TTL_JITTER_PERCENT: '50',
      CACHE_LEASE_WAIT_MS: '10000',
      CACHE_EARLY_REFRESH_BETA: '10',
      CACHE_SOURCE_FAILURE_TTL_MS: '60000',
    }).cache.policy;
    expect(highest).toMatchObject({
      ttlSeconds: 365 * 24 * 3600,
      negativeTtlSeconds: 24 * 3600,
      leaseTtlMs: 60_000,
      graceSeconds: 7 * 24 * 3600,
      ttlJitterPercent: 50,
      leaseWaitMs: 10_000,
      earlyRefreshBeta: 10,
      sourceFailureTtlMs: 60_000,
    });
    // Grace, jitter, lease wait and β are amounts, not counts: fractions are fine.
    expect(
      loadConfig({
        CACHE_GRACE_SECONDS: '1.5',
        CACHE_TTL_JITTER_PERCENT: '2.5',
        CACHE_LEASE_WAIT_MS: '12.5',
        CACHE_EARLY_REFRESH_BETA: '0.5',
      }).cache.policy,
    ).toMatchObject({ graceSeconds: 1.5, ttlJitterPercent: 2.5, leaseWaitMs: 12.5, earlyRefreshBeta: 0.5 });
  });

  it.each([
    ['CACHE_TTL_SECONDS', '0', />0/],
    ['CACHE_TTL_SECONDS', '1.5', /int/],
    ['CACHE_TTL_SECONDS', '31536001', /<=31536000/],
    ['CACHE_GRACE_SECONDS', '-1', />=0/],
    ['CACHE_GRACE_SECONDS', '604801', /<=604800/],
    ['CACHE_GRACE_SECONDS', 'an hour', /number/],
    ['CACHE_TTL_JITTER_PERCENT', '-1', />=0/],
    ['CACHE_TTL_JITTER_PERCENT', '51', /<=50/],
    ['CACHE_NEGATIVE_TTL_SECONDS', '0', />0/],
    ['CACHE_NEGATIVE_TTL_SECONDS', '-30', />0/],
    ['CACHE_NEGATIVE_TTL_SECONDS', '1.5', /int/],
    ['CACHE_NEGATIVE_TTL_SECONDS', '30s', /number/],
    ['CACHE_NEGATIVE_TTL_SECONDS', '86401', /<=86400/],
    ['CACHE_LEASE_TTL_MS', '0', />0/],
    ['CACHE_LEASE_TTL_MS', '-2000', />0/],
    ['CACHE_LEASE_TTL_MS', '1500.5', /int/],
    ['CACHE_LEASE_TTL_MS', 'Infinity', /number/],
    ['CACHE_LEASE_TTL_MS', 'two seconds', /number/],
    ['CACHE_LEASE_TTL_MS', '60001', /<=60000/],
    ['CACHE_FENCE_TTL_MS', '0', />0/],
    ['CACHE_FENCE_TTL_MS', '3600001', /<=3600000/],
    ['CACHE_WRITE_MODE', 'write-back', /write-through|invalidate/],
    ['CACHE_LEASE_WAIT_MS', '-1', />=0/],
    ['CACHE_LEASE_WAIT_MS', '10001', /<=10000/],
    ['CACHE_LEASE_WAIT_MS', 'soon', /number/],
    ['CACHE_EARLY_REFRESH_BETA', '-0.5', />=0/],
    ['CACHE_EARLY_REFRESH_BETA', '10.5', /<=10/],
    ['CACHE_EARLY_REFRESH_BETA', 'off', /number/],
    ['CACHE_SOURCE_FAILURE_TTL_MS', '-1', />=0/],
    ['CACHE_SOURCE_FAILURE_TTL_MS', '60001', /<=60000/],
    ['CACHE_SOURCE_FAILURE_TTL_MS', '0.5', /int/],
    ['DYNAMODB_MAX_ATTEMPTS', '0', />0/],
    ['DYNAMODB_MAX_ATTEMPTS', '11', /<=10/],
    ['DYNAMODB_MAX_ATTEMPTS', '2.5', /int/],
  ])('refuses %s=%s, naming the variable and the reason', (name, value, reason) => {
    const message = configErrorOf({ [name]: value });
    expect(message).toContain(`${name}: `);
    expect(message).toMatch(reason);
    // Only the bad variable is named.
    expect(message.match(/[A-Z][A-Z_]+:/g)).toEqual([`${name}:`]);
  });

  describe('HOST', () => {
    it.each(['127.0.0.1', '0.0.0.0', '::1', '::', 'localhost', 'aside-dev.example.com'])(
      'accepts %s',
      (host) => {
        expect(loadConfig({ HOST: host }).http.host).toBe(host);
      },
    );

    it('trims the value, and treats a blank one as unset (loopback)', () => {
      expect(loadConfig({ HOST: ' localhost ' }).http.host).toBe('localhost');
      expect(loadConfig({ HOST: ' ' }).http.host).toBe('127.0.0.1');
    });

    // 999.1.1.1 and 300 pass a bare hostname pattern but are mistyped addresses, not names.
    it.each([
      'bad host',
      'http://localhost',
      '127.0.0.1:3000',
      '-dash.example',
      'under_score',
      '999.1.1.1',
      '300',
    ])('refuses HOST=%s, naming the variable', (host) => {
      const message = configErrorOf({ HOST: host });
      expect(message).toContain('HOST: a hostname or IP address');
      expect(message.match(/[A-Z_]+:/g)).toEqual(['HOST:']);
    });
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
    expect(config.cache.policy.ttlJitterPercent).toBe(10);
    expect(config.dynamodb.timeoutMs).toBe(1000);
    expect(config.dynamodb.tableName).toBe('Products');
  });

  it('treats empty and blank cache policy variables as unset', () => {
    const config = loadConfig({
      CACHE_TTL_SECONDS: '',
      CACHE_GRACE_SECONDS: ' ',
      CACHE_TTL_JITTER_PERCENT: '\t',
      CACHE_NEGATIVE_TTL_SECONDS: '',
      CACHE_LEASE_TTL_MS: ' ',
      CACHE_LEASE_WAIT_MS: '',
      CACHE_EARLY_REFRESH_BETA: '  ',
    });
    expect(config.cache.policy).toEqual(DEFAULT_CACHE_POLICY);
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

  it('bounds the circuit breaker settings, naming each bad one', () => {
    expect(
      loadConfig({ REDIS_BREAKER_FAILURE_THRESHOLD: '1000', REDIS_BREAKER_COOLDOWN_MS: '600000' }).redis
        .breaker,
    ).toEqual({ failureThreshold: 1000, cooldownMs: 600_000 });
    const message = configErrorOf({ REDIS_BREAKER_FAILURE_THRESHOLD: '0', REDIS_BREAKER_COOLDOWN_MS: '1.5' });
    expect(message).toContain('REDIS_BREAKER_FAILURE_THRESHOLD: ');
    expect(message).toContain('REDIS_BREAKER_COOLDOWN_MS: ');
  });

  it('reads the Redis AUTH secret again at most once a second, at least once an hour', () => {
    expect(loadConfig({ REDIS_AUTH_REFRESH_INTERVAL_MS: '1000' }).redis.authRefreshIntervalMs).toBe(1000);
    expect(loadConfig({ REDIS_AUTH_REFRESH_INTERVAL_MS: '3600000' }).redis.authRefreshIntervalMs).toBe(
      3_600_000,
    );
    for (const value of ['1', '999', '3600001', '1500.5']) {
      expect(configErrorOf({ REDIS_AUTH_REFRESH_INTERVAL_MS: value }), value).toContain(
        'REDIS_AUTH_REFRESH_INTERVAL_MS: ',
      );
    }
  });

  it('names every invalid cache policy variable at once', () => {
    const message = configErrorOf({
      CACHE_GRACE_SECONDS: '-1',
      CACHE_NEGATIVE_TTL_SECONDS: '0',
      CACHE_LEASE_TTL_MS: 'x',
      CACHE_LEASE_WAIT_MS: '20000',
      CACHE_EARLY_REFRESH_BETA: '-1',
    });
    for (const name of [
      'CACHE_GRACE_SECONDS',
      'CACHE_NEGATIVE_TTL_SECONDS',
      'CACHE_LEASE_TTL_MS',
      'CACHE_LEASE_WAIT_MS',
      'CACHE_EARLY_REFRESH_BETA',
    ]) {
      expect(message).toContain(`${name}: `);
    }
  });
});
