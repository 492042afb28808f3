import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { BreakerCacheStore } from '../../../src/adapters/breaker/breaker-cache-store.js';
import type { AuthSecretStage } from '../../../src/adapters/redis/redis-auth-token.js';
import { parseRedisAuthSecret } from '../../../src/adapters/redis/redis-auth-token.js';
import {
  type CredentialRotationListener,
  RotatingRedisCacheStore,
} from '../../../src/adapters/redis/rotating-redis-cache-store.js';
import { CacheAside } from '../../../src/core/cache-aside.js';
import type { CacheOutcome } from '../../../src/core/cache-observer.js';
import { DEFAULT_CACHE_POLICY } from '../../../src/core/cache-policy.js';
import { RecordingSource } from '../../support/recording-source.js';
import {
  realElapse,
  startTestRedis,
  startTestRedisCluster,
  TEST_COMMAND_TIMEOUT_MS,
  TEST_CONNECT_TIMEOUT_MS,
  type TestRedisServer,
} from '../../support/redis-harness.js';

const OLD = 'old-token-0123456789abcdef';
const NEW = 'new-token-0123456789abcdef';
const REFRESH_INTERVAL_MS = 400;
const RECOVERY_DEADLINE_MS = 10_000;
const READ_PAUSE_MS = 20;
const IDS = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];

/** The Secrets Manager secret as the test sets it: one string per stage, and every read of it. */
class FakeSecret {
  readonly versions = new Map<AuthSecretStage, string>();
  readonly reads: AuthSecretStage[] = [];

  /** A new version becomes current; the one before becomes previous, as PutSecretValue does. */
  put(value: string): void {
    const current = this.versions.get('AWSCURRENT');
    if (current !== undefined) this.versions.set('AWSPREVIOUS', current);
    this.versions.set('AWSCURRENT', value);
  }

  readonly read = async (stage: AuthSecretStage): Promise<string | undefined> => {
    this.reads.push(stage);
    return this.versions.get(stage);
  };
}

function recordingListener(events: string[]): CredentialRotationListener {
  return {
    onSecretReadFailed: () => events.push('read-failed'),
    onAuthFailure: () => events.push('auth-failure'),
    onSecretRead: (stage) => events.push(`read ${stage}`),
    onCredentialsChanged: (stage) => events.push(`changed ${stage}`),
  };
}

/** The production stack: breaker around the rotating store, the engine on top. */
function openStack(url: string, mode: 'standalone' | 'cluster', secret: FakeSecret, events: string[]) {
  const current = secret.versions.get('AWSCURRENT');
  const rotating = new RotatingRedisCacheStore({
    settings: {
      url,
      mode,
      connectTimeoutMs: TEST_CONNECT_TIMEOUT_MS,
      commandTimeoutMs: TEST_COMMAND_TIMEOUT_MS,
    },
    credentials: current === undefined ? undefined : parseRedisAuthSecret(current),
    readSecret: secret.read,
    refreshIntervalMs: REFRESH_INTERVAL_MS,
    listener: recordingListener(events),
  });
  const store = new BreakerCacheStore(
    rotating,
    { failureThreshold: 5, cooldownMs: 1_000 },
    { onOpen: () => undefined, onClose: () => undefined, onReject: () => undefined },
  );
  const source = new RecordingSource<string>();
  for (const id of IDS) source.put(id, `value of ${id}`);
  const engine = new CacheAside({
    store,
    source,
    keyPrefix: 'rotation',
    policy: { ...DEFAULT_CACHE_POLICY, earlyRefreshBeta: 0 },
  });
  return { rotating, engine };
}

/**
 * Reads every id until all answer HIT, collecting each outcome; an error thrown out of the engine fails
 * the test (reads must fail open). Returns the outcomes seen.
 */
async function readUntilAllHit(engine: CacheAside<string>): Promise<Set<CacheOutcome>> {
  const seen = new Set<CacheOutcome>();
  const deadline = Date.now() + RECOVERY_DEADLINE_MS;
  for (;;) {
    const outcomes = [];
    for (const id of IDS) {
      const read = await engine.get(id);
      expect(read.record?.value).toBe(`value of ${id}`);
      outcomes.push(read.outcome);
      seen.add(read.outcome);
    }
    if (outcomes.every((outcome) => outcome === 'HIT')) return seen;
    if (Date.now() > deadline) throw new Error(`no HIT for every id in time: ${[...seen].join(', ')}`);
    await realElapse(READ_PAUSE_MS);
  }
}

/** Fills every id (MISS then HIT), so later reads can only be HIT or, while Redis refuses, BYPASS. */
async function warm(engine: CacheAside<string>): Promise<void> {
  for (const id of IDS) await engine.get(id);
  await readUntilAllHit(engine);
}

function admin(server: TestRedisServer, password?: string, username?: string): Redis {
  return new Redis(server.port, '127.0.0.1', { username, password, maxRetriesPerRequest: 1 });
}

describe('Redis token rotation without an outage (real redis-server)', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('follows the default user from the old token to the new one: both valid, then the old one removed', async () => {
    const server = await startTestRedis(['--requirepass', OLD]);
    cleanups.push(() => server.stop());
    const redis = admin(server, OLD);
    cleanups.push(async () => redis.disconnect());
    const secret = new FakeSecret();
    secret.put(JSON.stringify({ token: OLD }));
    const events: string[] = [];
    const { rotating, engine } = openStack(server.url, 'standalone', secret, events);
    cleanups.push(() => rotating.close());
    await warm(engine);

    // The rotation: the user accepts both tokens, the secret moves to the new one, the old one goes,
    // and the server drops the connections (as a failover, an ACL reload or a network blip would).
    await redis.call('ACL', 'SETUSER', 'default', `>${NEW}`);
    secret.put(JSON.stringify({ token: NEW }));
    await redis.call('ACL', 'SETUSER', 'default', `<${OLD}`);
    await redis.call('CLIENT', 'KILL', 'TYPE', 'normal');

    const seen = await readUntilAllHit(engine);
    expect([...seen].filter((outcome) => outcome !== 'HIT' && outcome !== 'BYPASS')).toEqual([]);
    expect(events).toContain('auth-failure');
    // One re-read found the new token: no need for the previous version.
    expect(events.filter((event) => event.startsWith('read') || event.startsWith('changed'))).toEqual([
      'read AWSCURRENT',
      'changed AWSCURRENT',
    ]);
  });

  it('rotates between two users as Terraform does, and falls back to the previous version when the new user refuses', async () => {
    const server = await startTestRedis();
    cleanups.push(() => server.stop());
    const setup = admin(server);
    await setup.call('ACL', 'SETUSER', 'admin', 'on', '>admin-password-0123', '~*', '+@all');
    setup.disconnect();
    const redis = admin(server, 'admin-password-0123', 'admin');
    cleanups.push(async () => redis.disconnect());
    await redis.call('ACL', 'SETUSER', 'aside-a', 'on', `>${OLD}`, '~*', '+@all');
    // The inactive user, not yet given the token the secret is about to name (an apply that failed halfway).
    await redis.call('ACL', 'SETUSER', 'aside-b', 'on', '>not-the-token-yet-0123', '~*', '+@all');
    await redis.call('ACL', 'SETUSER', 'default', 'off');
    const secret = new FakeSecret();
    secret.put(JSON.stringify({ username: 'aside-a', token: OLD }));
    secret.put(JSON.stringify({ username: 'aside-b', token: NEW }));

    // A cold start in that state reads aside-b's credentials, which Redis refuses: the store falls back
    // to the previous version, which still works.
    const events: string[] = [];
    const { rotating, engine } = openStack(server.url, 'standalone', secret, events);
    cleanups.push(() => rotating.close());
    await rotating.connect(TEST_CONNECT_TIMEOUT_MS).catch(() => undefined);
    await warm(engine);
    expect(events.filter((event) => event.startsWith('changed'))).toEqual(['changed AWSPREVIOUS']);

    // The next apply completes the rotation, then a later one retires aside-a.
    await redis.call('ACL', 'SETUSER', 'aside-b', 'resetpass', `>${NEW}`);
    await readUntilAllHit(engine);
    await redis.call('ACL', 'SETUSER', 'aside-a', 'off');
    await redis.call('CLIENT', 'KILL', 'TYPE', 'normal');

    const seen = await readUntilAllHit(engine);
    expect([...seen].filter((outcome) => outcome !== 'HIT' && outcome !== 'BYPASS')).toEqual([]);
    expect(events.filter((event) => event.startsWith('changed'))).toEqual([
      'changed AWSPREVIOUS',
      'changed AWSCURRENT',
    ]);
  });

  it('reads a wrong secret again at most once per interval, and recovers once the secret is right', async () => {
    const server = await startTestRedis(['--requirepass', OLD]);
    cleanups.push(() => server.stop());
    const redis = admin(server, OLD);
    cleanups.push(async () => redis.disconnect());
    const secret = new FakeSecret();
    secret.put(JSON.stringify({ token: OLD }));
    const events: string[] = [];
    const { rotating, engine } = openStack(server.url, 'standalone', secret, events);
    cleanups.push(() => rotating.close());
    await warm(engine);

    // The server moves to a token the secret does not hold.
    secret.put(JSON.stringify({ token: 'wrong-token-0123456789' }));
    await redis.call('ACL', 'SETUSER', 'default', 'resetpass', `>${NEW}`);
    await redis.call('CLIENT', 'KILL', 'TYPE', 'normal');

    const observeMs = 4 * REFRESH_INTERVAL_MS;
    const started = Date.now();
    while (Date.now() - started < observeMs) {
      const read = await engine.get('p1');
      expect(read.outcome).toBe('BYPASS');
      expect(read.record?.value).toBe('value of p1');
      await realElapse(READ_PAUSE_MS);
    }
    await rotating.settled();
    const refreshes = events.filter((event) => event === 'read AWSCURRENT').length;
    // Calls failed every READ_PAUSE_MS; re-reads were bounded by the interval (the first is immediate).
    expect(refreshes).toBeGreaterThanOrEqual(2);
    expect(refreshes).toBeLessThanOrEqual(Math.ceil(observeMs / REFRESH_INTERVAL_MS) + 1);
    expect(events.filter((event) => event === 'auth-failure').length).toBeGreaterThan(refreshes);

    secret.put(JSON.stringify({ token: NEW }));
    await readUntilAllHit(engine);
  });

  it('starts without the secret (the cold-start read failed) and picks the token up at the first NOAUTH', async () => {
    const server = await startTestRedis(['--requirepass', NEW]);
    cleanups.push(() => server.stop());
    const secret = new FakeSecret();
    const events: string[] = [];
    const { rotating, engine } = openStack(server.url, 'standalone', secret, events);
    cleanups.push(() => rotating.close());
    secret.put(JSON.stringify({ token: NEW }));

    await expect(rotating.connect(TEST_CONNECT_TIMEOUT_MS)).rejects.toMatchObject({
      code: 'CACHE_STORE_AUTH_FAILED',
    });
    await warm(engine);
    expect(events).toContain('changed AWSCURRENT');
  });

  it('follows a rotation on every node of a cluster', async () => {
    const cluster = await startTestRedisCluster();
    cleanups.push(() => cluster.stop());
    const admins = cluster.nodes.map((node) => admin(node));
    cleanups.push(async () => {
      for (const node of admins) node.disconnect();
    });
    for (const node of admins) await node.call('ACL', 'SETUSER', 'default', 'resetpass', `>${OLD}`);
    const secret = new FakeSecret();
    secret.put(JSON.stringify({ token: OLD }));
    const events: string[] = [];
    const { rotating, engine } = openStack(cluster.url, 'cluster', secret, events);
    cleanups.push(() => rotating.close());
    await rotating.connect(5_000);
    await warm(engine);

    for (const node of admins) await node.call('ACL', 'SETUSER', 'default', `>${NEW}`);
    secret.put(JSON.stringify({ token: NEW }));
    for (const node of admins) {
      await node.call('ACL', 'SETUSER', 'default', `<${OLD}`);
      await node.call('CLIENT', 'KILL', 'TYPE', 'normal');
    }

    const seen = await readUntilAllHit(engine);
    expect([...seen].filter((outcome) => outcome !== 'HIT' && outcome !== 'BYPASS')).toEqual([]);
    expect(events).toContain('changed AWSCURRENT');
  });
});
