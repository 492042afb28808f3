import { describe, expect, it } from 'vitest';
import { retryBackoffMs, worstCaseCallMs } from '../../../src/adapters/dynamodb/retry-budget.js';

describe('the DynamoDB retry budget', () => {
  it('pauses a random share of a ceiling that doubles from 50 ms up to 400 ms (full jitter)', () => {
    const ceilings = [1, 2, 3, 4, 5, 8].map((retry) => retryBackoffMs(retry, () => 1));
    expect(ceilings).toEqual([50, 100, 200, 400, 400, 400]);
    expect(retryBackoffMs(3, () => 0)).toBe(0);
    expect(retryBackoffMs(3, () => 0.5)).toBe(100);
  });

  it('spreads callers that failed together', () => {
    const pauses = new Set(Array.from({ length: 50 }, () => retryBackoffMs(4)));
    expect(pauses.size).toBeGreaterThan(10);
    for (const pause of pauses) expect(pause).toBeLessThan(400);
  });

  it('bounds a call: every attempt timing out, with the longest pauses between', () => {
    expect(worstCaseCallMs(1, 1000)).toBe(1000);
    expect(worstCaseCallMs(3, 1000)).toBe(3000 + 50 + 100);
    expect(worstCaseCallMs(6, 200)).toBe(1200 + 50 + 100 + 200 + 400 + 400);
  });
});
