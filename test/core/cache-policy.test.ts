import { describe, expect, it } from 'vitest';
import { DEFAULT_CACHE_POLICY, entryLifetime, jitteredMs } from '../../src/core/cache-policy.js';

describe('jitteredMs', () => {
  it('spreads a duration by up to ± the jitter percent', () => {
    expect(jitteredMs(300, 10, () => 0)).toBe(270_000);
    expect(jitteredMs(300, 10, () => 0.5)).toBe(300_000);
    expect(jitteredMs(300, 10, () => 0.999_999)).toBeCloseTo(330_000, -1);
    expect(jitteredMs(300, 0, () => 0.9)).toBe(300_000);
  });

  it('never returns less than 1 ms', () => {
    expect(jitteredMs(0, 50, () => 0)).toBe(1);
  });
});

describe('entryLifetime', () => {
  const policy = { ...DEFAULT_CACHE_POLICY, ttlJitterPercent: 0 };

  it('keeps a found item for its TTL plus grace', () => {
    expect(entryLifetime(policy, true, Math.random)).toEqual({ softMs: 300_000, hardMs: 3_900_000 });
  });

  it('keeps a "not found" for the negative TTL, and as long again', () => {
    expect(entryLifetime(policy, false, Math.random)).toEqual({ softMs: 30_000, hardMs: 60_000 });
  });
});
