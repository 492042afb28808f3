import { describe, expect, it } from 'vitest';
import type { StoredEntry } from '../../src/core/cache-entry.js';
import { decideAcquired, decideLookup } from '../../src/core/read-decision.js';

const NOW = 1_000_000;
const entry = (softInMs: number, dt = 20): StoredEntry => ({
  ver: 1,
  valJson: '{"name":"v"}',
  soft: NOW + softInMs,
  dt,
});
const never = () => 0;

describe('decideLookup', () => {
  it('acquires for an absent entry', () => {
    expect(decideLookup(undefined, NOW, 1, never)).toEqual({ action: 'acquire', stale: undefined });
  });

  it('serves a fresh entry and acquires once its soft time is reached, keeping it as stale', () => {
    expect(decideLookup(entry(1), NOW, 0, never).action).toBe('serve');
    expect(decideLookup(entry(0), NOW, 0, never)).toEqual({ action: 'acquire', stale: entry(0) });
  });

  it('refreshes early with a chance that rises as expiry nears (XFetch)', () => {
    const draws = Array.from({ length: 1_000 }, (_, i) => (i + 0.5) / 1_000);
    const share = (softInMs: number) =>
      draws.filter((r) => decideLookup(entry(softInMs), NOW, 1, () => r).action === 'refresh-early').length /
      draws.length;
    // P(refresh) = exp(-gap / (dt·β)): with dt 20 ms, 10 ms before expiry ≈ 61 %, 100 ms before ≈ 0.7 %.
    expect(share(10)).toBeCloseTo(Math.exp(-0.5), 2);
    expect(share(100)).toBeCloseTo(Math.exp(-5), 2);
    expect(share(1_000)).toBe(0);
  });

  it('says from when the early refresher should count the entry as stale', () => {
    const decision = decideLookup(entry(10), NOW, 2, () => 1 - Math.exp(-1));
    // staleAt = now - dt·β·ln(1 - r) = now + 20·2·1
    expect(decision).toEqual({ action: 'refresh-early', entry: entry(10), staleAtMs: NOW + 40 });
  });

  it('never refreshes early when β is 0 or the load took no time', () => {
    expect(decideLookup(entry(1), NOW, 0, () => 0.999_999).action).toBe('serve');
    expect(decideLookup(entry(1, 0), NOW, 1, () => 0.999_999).action).toBe('serve');
  });
});

describe('decideAcquired', () => {
  it('loads and fills when granted, consistently when fenced', () => {
    expect(decideAcquired(undefined, true, false, NOW)).toEqual({
      action: 'load-and-fill',
      consistent: false,
    });
    expect(decideAcquired(entry(-1), true, true, NOW)).toEqual({ action: 'load-and-fill', consistent: true });
  });

  it('serves what another caller filled, a stale entry at once, or waits when there is nothing', () => {
    expect(decideAcquired(entry(5), false, false, NOW)).toEqual({ action: 'serve', entry: entry(5) });
    expect(decideAcquired(entry(-5), false, false, NOW)).toEqual({ action: 'serve-stale', entry: entry(-5) });
    expect(decideAcquired(undefined, false, true, NOW)).toEqual({ action: 'wait' });
  });
});
