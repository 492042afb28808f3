import { describe, expect, it } from 'vitest';
import { leaseWaitPauses } from '../../src/core/lease-wait.js';

describe('leaseWaitPauses', () => {
  it('doubles from 5 ms to at most 50 ms and ends exactly at the wait bound', () => {
    expect(leaseWaitPauses(400)).toEqual([5, 10, 20, 40, 50, 50, 50, 50, 50, 50, 25]);
    expect(leaseWaitPauses(12)).toEqual([5, 7]);
  });

  it('does not wait at all when the bound is 0', () => {
    expect(leaseWaitPauses(0)).toEqual([]);
  });
});
