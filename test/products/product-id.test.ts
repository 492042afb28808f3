import { describe, expect, it } from 'vitest';
import { checkProductId } from '../../src/products/product-id.js';

describe('checkProductId', () => {
  it.each(['prod-0001', 'A_b.c-9', 'x'.repeat(128)])('accepts %s', (id) => {
    expect(checkProductId(id)).toEqual({ ok: true, id });
  });

  it.each([
    [undefined, 'required'],
    ['', 'required'],
    ['x'.repeat(129), 'at most 128'],
    ['a b', 'only letters'],
    ['{tag}', 'only letters'],
    ['a:b', 'only letters'],
    ['café', 'only letters'],
    ['a/b', 'only letters'],
  ])('rejects %j', (id, reason) => {
    const check = checkProductId(id);
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toContain(reason);
  });
});
