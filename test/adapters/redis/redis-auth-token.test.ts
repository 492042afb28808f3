import { describe, expect, it } from 'vitest';
import { parseRedisAuthSecret } from '../../../src/adapters/redis/redis-auth-token.js';

describe('parseRedisAuthSecret', () => {
  it("accepts the raw token, as the default user's password", () => {
    expect(parseRedisAuthSecret('  s3cr3t-token-value \n')).toEqual({ password: 's3cr3t-token-value' });
  });

  it.each([
    ['token', '{"token":"a"}'],
    ['authToken', '{"authToken":"b","username":"default"}'],
    ['password', '{"password":"c","engine":"redis"}'],
  ])('reads the %s field of a JSON secret', (_field, secret) => {
    expect(parseRedisAuthSecret(secret).password).toMatch(/^[abc]$/);
  });

  it('reads the username the token belongs to, as Terraform writes it', () => {
    expect(parseRedisAuthSecret('{"username":"aside-b","token":"t"}')).toEqual({
      username: 'aside-b',
      password: 't',
    });
    expect(parseRedisAuthSecret('{"username":"","token":"t"}')).toEqual({
      username: undefined,
      password: 't',
    });
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
