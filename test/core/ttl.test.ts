import { describe, expect, it } from 'vitest';
import { jitteredTtlMs } from '../../src/core/ttl.js';

describe('jitteredTtlMs', () => {
  it('is the plain TTL without jitter', () => {
    expect(jitteredTtlMs(300, 0, () => 0.7)).toBe(300_000);
  });

  it('spreads the TTL by up to the given percentage either way', () => {
    expect(jitteredTtlMs(300, 10, () => 0)).toBe(270_000);
    expect(jitteredTtlMs(300, 10, () => 0.5)).toBe(300_000);
    expect(jitteredTtlMs(300, 10, () => 0.999_999)).toBe(330_000);
  });

  it('gives different expiries to entries filled together', () => {
    const ttls = new Set([0.1, 0.2, 0.3, 0.4].map((r) => jitteredTtlMs(300, 10, () => r)));
    expect(ttls.size).toBe(4);
  });
});
