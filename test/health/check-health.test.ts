import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHealthCheck, type HealthDependencies } from '../../src/health/check-health.js';
import type { HealthProbe } from '../../src/health/health-probe.js';
import type { CacheReport, CircuitState, DatabaseReport } from '../../src/health/health-report.js';

const CACHE_TIMEOUT_MS = 200;
const DATABASE_TIMEOUT_MS = 1_000;

const cacheUp: CacheReport = { kind: 'redis', status: 'up', roundTripMs: 0.4, evictedKeys: 0 };
const cacheDown: CacheReport = { kind: 'redis', status: 'down', error: 'connection refused' };
const databaseUp: DatabaseReport = {
  kind: 'dynamodb',
  table: 'Products',
  status: 'up',
  tableStatus: 'ACTIVE',
};
const databaseDown: DatabaseReport = { kind: 'dynamodb', table: 'Products', status: 'down', error: 'reset' };

const answering = <R extends CacheReport | DatabaseReport>(report: R): HealthProbe<R> => ({
  check: async () => report,
});

/** A probe that never answers by itself; it records the abort signal it was given. */
function silent<R extends CacheReport | DatabaseReport>(): HealthProbe<R> & { signal?: AbortSignal } {
  const probe: HealthProbe<R> & { signal?: AbortSignal } = {
    check: (signal) => {
      probe.signal = signal;
      return new Promise<R>(() => undefined);
    },
  };
  return probe;
}

function dependencies(
  cache: HealthProbe<CacheReport>,
  database: HealthProbe<DatabaseReport>,
  circuit?: CircuitState,
): HealthDependencies {
  return {
    cache: { probe: cache, timeoutMs: CACHE_TIMEOUT_MS, identity: { kind: 'redis' } },
    database: {
      probe: database,
      timeoutMs: DATABASE_TIMEOUT_MS,
      identity: { kind: 'dynamodb', table: 'Products' },
    },
    ...(circuit ? { circuit: () => circuit } : {}),
  };
}

describe('createHealthCheck: the overall status', () => {
  it.each([
    ['ok', cacheUp, databaseUp, 'closed'],
    ['ok', { kind: 'memory', status: 'up' } as CacheReport, databaseUp, undefined],
    ['degraded', cacheDown, databaseUp, 'closed'],
    ['degraded', cacheUp, databaseUp, 'open'],
    ['degraded', cacheUp, databaseUp, 'half-open'],
    ['unavailable', cacheUp, databaseDown, 'closed'],
    ['unavailable', cacheDown, databaseDown, 'open'],
  ] as const)('is %s for cache %o, database %o, breaker %s', async (status, cache, database, circuit) => {
    const check = createHealthCheck(dependencies(answering(cache), answering(database), circuit));
    const report = await check();
    expect(report.status).toBe(status);
    expect(report.cache).toEqual(circuit ? { ...cache, breaker: circuit } : cache);
    expect(report.database).toEqual(database);
    expect(Date.parse(report.checkedAt)).not.toBeNaN();
  });

  it('reports the breaker as it is once the probes are done (the probe itself bypasses it)', async () => {
    let circuit: CircuitState = 'open';
    const probe: HealthProbe<CacheReport> = {
      check: async () => {
        circuit = 'closed';
        return cacheUp;
      },
    };
    const check = createHealthCheck({
      ...dependencies(probe, answering(databaseUp)),
      circuit: () => circuit,
    });
    expect((await check()).cache.breaker).toBe('closed');
  });
});

describe('createHealthCheck: each probe within its deadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports a silent cache down at its deadline, and the database as found', async () => {
    const cache = silent<CacheReport>();
    const pending = createHealthCheck(dependencies(cache, answering(databaseUp), 'closed'))();
    await vi.advanceTimersByTimeAsync(CACHE_TIMEOUT_MS);
    const report = await pending;
    expect(report).toMatchObject({
      status: 'degraded',
      cache: {
        kind: 'redis',
        status: 'down',
        error: `no answer within ${CACHE_TIMEOUT_MS} ms`,
        breaker: 'closed',
      },
      database: databaseUp,
    });
    expect(cache.signal?.aborted).toBe(true);
  });

  it('runs the probes at once: two silent probes take the longer deadline, not the sum', async () => {
    const cache = silent<CacheReport>();
    const database = silent<DatabaseReport>();
    let settled = false;
    const pending = createHealthCheck(dependencies(cache, database))().finally(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(DATABASE_TIMEOUT_MS - 1);
    expect(settled).toBe(false);
    expect(cache.signal?.aborted).toBe(true);
    expect(database.signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(true);
    expect(await pending).toEqual({
      status: 'unavailable',
      checkedAt: expect.any(String),
      cache: { kind: 'redis', status: 'down', error: `no answer within ${CACHE_TIMEOUT_MS} ms` },
      database: {
        kind: 'dynamodb',
        table: 'Products',
        status: 'down',
        error: `no answer within ${DATABASE_TIMEOUT_MS} ms`,
      },
    });
  });

  it('reports a probe that throws as down with its message, and leaves no timer behind', async () => {
    const throwing: HealthProbe<DatabaseReport> = {
      check: async () => {
        throw new Error('credentials expired');
      },
    };
    const report = await createHealthCheck(dependencies(answering(cacheUp), throwing))();
    expect(report.status).toBe('unavailable');
    expect(report.database).toEqual({
      kind: 'dynamodb',
      table: 'Products',
      status: 'down',
      error: 'credentials expired',
    });
    expect(vi.getTimerCount()).toBe(0);
  });
});
