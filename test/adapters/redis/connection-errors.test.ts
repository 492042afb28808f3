import { describe, expect, it } from 'vitest';
import { ConnectionErrors } from '../../../src/adapters/redis/connection-errors.js';

describe('ConnectionErrors', () => {
  it('keeps the latest error of each connection until that connection is ready again', () => {
    const errors = new ConnectionErrors();
    const wrongPass = new Error('WRONGPASS');
    const reset = new Error('ECONNRESET');
    errors.remember('10.0.0.1:7001', wrongPass);
    errors.remember('10.0.0.2:7002', reset);
    expect(errors.latest).toBe(reset);
    // A node failing again moves to the front.
    errors.remember('10.0.0.1:7001', wrongPass);
    expect(errors.latest).toBe(wrongPass);
    expect(errors.some((error) => error === wrongPass)).toBe(true);

    errors.forget('10.0.0.1:7001');
    expect(errors.latest).toBe(reset);
    expect(errors.some((error) => error === wrongPass)).toBe(false);
    errors.forget('10.0.0.2:7002');
    expect(errors.latest).toBeUndefined();
  });
});
