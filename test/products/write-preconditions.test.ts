import { describe, expect, it } from 'vitest';
import { preconditionsHold } from '../../src/products/write-preconditions.js';

describe('preconditionsHold', () => {
  it.each([
    ['no preconditions, absent', {}, null, true],
    ['no preconditions, present', {}, 5, true],
    ['If-Match *, present', { ifMatch: '*' as const }, 5, true],
    ['If-Match *, absent', { ifMatch: '*' as const }, null, false],
    ['If-Match listing the version', { ifMatch: [4, 5] }, 5, true],
    ['If-Match not listing it', { ifMatch: [4] }, 5, false],
    ['If-Match with nothing we issued', { ifMatch: [] }, 5, false],
    ['If-None-Match *, absent', { ifNoneMatch: '*' as const }, null, true],
    ['If-None-Match *, present', { ifNoneMatch: '*' as const }, 5, false],
    ['If-None-Match listing the version', { ifNoneMatch: [5] }, 5, false],
    ['If-None-Match not listing it', { ifNoneMatch: [4] }, 5, true],
    ['If-None-Match listing a version, absent', { ifNoneMatch: [4] }, null, true],
    ['both, If-Match holds, If-None-Match fails', { ifMatch: '*' as const, ifNoneMatch: [5] }, 5, false],
  ])('%s → %s', (_label, preconditions, current, holds) => {
    expect(preconditionsHold(preconditions, current)).toBe(holds);
  });
});
