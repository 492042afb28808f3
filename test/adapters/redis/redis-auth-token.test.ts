import { describe, expect, it } from 'vitest';
import { parseRedisAuthSecret } from '../../../src/adapters/redis/redis-auth-token.js';

describe('parseRedisAuthSecret', () => {
  it('accepts the raw token', () => {
    expect(parseRedisAuthSecret('  s3cr3t-token-value \n')).toBe('s3cr3t-token-value');
  });

  it.each([
    ['token', '{"token":"a"}'],
    ['authToken', '{"authToken":"b","username":"default"}'],
    ['password', '{"password":"c","engine":"redis"}'],
  ])('reads the %s field of a JSON secret', (_field, secret) => {
    expect(parseRedisAuthSecret(secret)).toMatch(/^[abc]$/);
  });

  it.each([
    ['empty', '   '],
    ['broken JSON', '{"token":'],
    ['JSON without a token field', '{"user":"x"}'],
    ['JSON with an empty token', '{"token":""}'],
  ])('rejects a secret that is %s, with CACHE_STORE_AUTH_FAILED', (_case, secret) => {
    expect(() => parseRedisAuthSecret(secret)).toThrow(
      expect.objectContaining({ code: 'CACHE_STORE_AUTH_FAILED' }),
    );
  });
});
