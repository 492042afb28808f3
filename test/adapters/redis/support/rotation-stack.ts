import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { BreakerCacheStore } from '../../../../src/adapters/breaker/breaker-cache-store.js';
import {
  type AuthSecretStage,
  parseRedisAuthSecret,
} from '../../../../src/adapters/redis/redis-auth-token.js';
import {
  type CredentialRotationListener,
  RotatingRedisCacheStore,
} from '../../../../src/adapters/redis/rotating-redis-cache-store.js';
import { CacheAside } from '../../../../src/core/cache-aside.js';
import type { CacheOutcome } from '../../../../src/core/cache-observer.js';
import { DEFAULT_CACHE_POLICY } from '../../../../src/core/cache-policy.js';
import { RecordingSource } from '../../../support/recording-source.js';
import {
  realElapse,
  startTestRedis,
  TEST_COMMAND_TIMEOUT_MS,
  TEST_CONNECT_TIMEOUT_MS,
  type TestRedisServer,
} from '../../../support/redis-harness.js';

export const OLD = 'old-token-0123456789abcdef';
export const NEW = 'new-token-0123456789abcdef';
export const REFRESH_INTERVAL_MS = 400;
export const IDS = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
const RECOVERY_DEADLINE_MS = 10_000;
const READ_PAUSE_MS = 20;

/** The Secrets Manager secret as the test sets it: one string per stage, and every read of it. */
export class FakeSecret {
  readonly versions = new Map<AuthSecretStage, string>();
  readonly reads: AuthSecretStage[] = [];
  /** A stage whose reads fail, as a throttled or denied GetSecretValue would. */
  failingStage: AuthSecretStage | undefined;
  #gate: Promise<void> | undefined;
  #openGate: (() => void) | undefined;

  /** A new version becomes current; the one before becomes previous, as PutSecretValue does. */
  put(value: string): void {
    const current = this.versions.get('AWSCURRENT');
    if (current !== undefined) this.versions.set('AWSPREVIOUS', current);
    this.versions.set('AWSCURRENT', value);
  }

  /** Holds every read (it ignores the abort signal, as a hung request might) until `release`. */
  hold(): void {
    this.#gate = new Promise((resolve) => {
      this.#openGate = resolve;
    });
  }

  release(): void {
    this.#openGate?.();
    this.#gate = undefined;
  }

  readonly read = async (stage: AuthSecretStage): Promise<string | undefined> => {
    this.reads.push(stage);
    if (this.#gate) await this.#gate;
    if (stage === this.failingStage) throw new Error(`GetSecretValue ${stage}: ThrottlingException`);
    return this.versions.get(stage);
  };
}

export function recordingListener(events: string[]): CredentialRotationListener {
  return {
    onSecretReadFailed: () => events.push('read-failed'),
    onAuthFailure: () => events.push('auth-failure'),
    onSecretRead: (stage) => events.push(`read ${stage}`),
    onCredentialsChanged: (stage) => events.push(`changed ${stage}`),
  };
}

export interface StackOptions {
  readonly mode?: 'standalone' | 'cluster';
  /** Where the store's clock stands; undefined: the real clock. */
  readonly now?: () => number;
  readonly secretReadTimeoutMs?: number;
  readonly readSecret?: (stage: AuthSecretStage) => Promise<string | undefined>;
}

/** The production stack: breaker around the rotating store, the engine on top. */
export function openStack(url: string, secret: FakeSecret, events: string[], options: StackOptions = {}) {
  const current = secret.versions.get('AWSCURRENT');
  const rotating = new RotatingRedisCacheStore({
    settings: {
      url,
      mode: options.mode ?? 'standalone',
      connectTimeoutMs: TEST_CONNECT_TIMEOUT_MS,
      commandTimeoutMs: TEST_COMMAND_TIMEOUT_MS,
    },
    credentials: current === undefined ? undefined : parseRedisAuthSecret(current),
    readSecret: options.readSecret ?? secret.read,
    refreshIntervalMs: REFRESH_INTERVAL_MS,
    listener: recordingListener(events),
    ...(options.now ? { now: options.now } : {}),
    ...(options.secretReadTimeoutMs ? { secretReadTimeoutMs: options.secretReadTimeoutMs } : {}),
  });
  const store = new BreakerCacheStore(
    rotating,
    { failureThreshold: 5, cooldownMs: 1_000 },
    { onOpen: () => undefined, onClose: () => undefined, onReject: () => undefined },
  );
  const source = new RecordingSource<string>();
  for (const id of [...IDS, 'p-new']) source.put(id, `value of ${id}`);
  const engine = new CacheAside({
    store,
    source,
    keyPrefix: 'rotation',
    policy: { ...DEFAULT_CACHE_POLICY, earlyRefreshBeta: 0 },
  });
  return { rotating, engine, source };
}

/**
 * Reads every id until all answer HIT, collecting each outcome; an error thrown out of the engine fails
 * the test (reads must fail open). Returns the outcomes seen.
 */
export async function readUntilAllHit(engine: CacheAside<string>): Promise<Set<CacheOutcome>> {
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
export async function warm(engine: CacheAside<string>): Promise<void> {
  for (const id of IDS) await engine.get(id);
  await readUntilAllHit(engine);
}

/** Waits until `condition` holds (a client noticed a refusal, a reconnect succeeded…). */
export async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + RECOVERY_DEADLINE_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await realElapse(10);
  }
}

export function admin(server: TestRedisServer, password?: string, username?: string): Redis {
  return new Redis(server.port, '127.0.0.1', { username, password, maxRetriesPerRequest: 1 });
}

/** The secret reads and credential changes among the listener's events, in order. */
export function secretEvents(events: readonly string[]): string[] {
  return events.filter((event) => event.startsWith('read') || event.startsWith('changed'));
}

/**
 * A redis-server whose default user's password is OLD, the secret holding OLD, and the production stack
 * over them with every id cached; each part is stopped by `cleanups` (run in reverse).
 */
export async function startWarmStack(cleanups: Array<() => Promise<unknown>>, options: StackOptions = {}) {
  const server = await startTestRedis(['--requirepass', OLD]);
  cleanups.push(() => server.stop());
  const redis = admin(server, OLD);
  cleanups.push(async () => redis.disconnect());
  const secret = new FakeSecret();
  secret.put(JSON.stringify({ token: OLD }));
  const events: string[] = [];
  const stack = openStack(server.url, secret, events, options);
  cleanups.push(() => stack.rotating.close());
  await warm(stack.engine);
  return { server, redis, secret, events, ...stack };
}
