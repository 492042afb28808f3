import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHealthCheck } from '../../src/health/check-health.js';
import type { HealthProbe } from '../../src/health/health-probe.js';
import type { CacheReport, DatabaseReport } from '../../src/health/health-report.js';
import { HEALTH_REPORT_REUSE_MS, shareRecentCheck } from '../../src/health/share-recent-check.js';

const PROBE_MS = 30;

/** A check that takes PROBE_MS on the timers and answers with how many times it ran. */
function countingCheck() {
  const runs = { count: 0 };
  const check = async () => {
    runs.count += 1;
    const run = runs.count;
    await new Promise((resolve) => setTimeout(resolve, PROBE_MS));
    return run;
  };
  return { check, runs };
}

describe('shareRecentCheck', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives concurrent callers the one check under way', async () => {
    const { check, runs } = countingCheck();
    const shared = shareRecentCheck(check);
    const answers = Promise.all([shared(), shared(), shared()]);
    await vi.advanceTimersByTimeAsync(PROBE_MS);
    expect(await answers).toEqual([1, 1, 1]);
    expect(runs.count).toBe(1);
  });

  it('reuses a finished check for the reuse window, then checks again', async () => {
    const { check, runs } = countingCheck();
    const shared = shareRecentCheck(check);
    const first = shared();
    await vi.advanceTimersByTimeAsync(PROBE_MS);
    expect(await first).toBe(1);

    await vi.advanceTimersByTimeAsync(HEALTH_REPORT_REUSE_MS - 1);
    expect(await shared()).toBe(1);
    expect(runs.count).toBe(1);

    await vi.advanceTimersByTimeAsync(1);
    const second = shared();
    await vi.advanceTimersByTimeAsync(PROBE_MS);
    expect(await second).toBe(2);
    expect(runs.count).toBe(2);
  });

  it('does not keep a check that failed: the next caller checks again', async () => {
    let calls = 0;
    const shared = shareRecentCheck(async () => {
      calls += 1;
      if (calls === 1) throw new Error('probe bug');
      return 'ok';
    });
    await expect(shared()).rejects.toThrow('probe bug');
    await expect(shared()).resolves.toBe('ok');
  });

  it('spares Redis and DynamoDB: rapid /health requests share one round of probes', async () => {
    let probes = 0;
    const cache: HealthProbe<CacheReport> = {
      check: async () => {
        probes += 1;
        return { kind: 'redis', status: 'up' };
      },
    };
    const database: HealthProbe<DatabaseReport> = {
      check: async () => ({ kind: 'dynamodb', table: 'Products', status: 'up' }),
    };
    const check = createHealthCheck({
      cache: { probe: cache, timeoutMs: 200, identity: { kind: 'redis' } },
      database: { probe: database, timeoutMs: 200, identity: { kind: 'dynamodb', table: 'Products' } },
    });
    const first = await check();
    for (let request = 0; request < 10; request++) expect(await check()).toBe(first);
    expect(probes).toBe(1);
    await vi.advanceTimersByTimeAsync(HEALTH_REPORT_REUSE_MS);
    expect(await check()).not.toBe(first);
    expect(probes).toBe(2);
  });
});
