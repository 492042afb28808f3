import { describe, expect, it } from 'vitest';
import { toCacheStoreError } from '../../../src/adapters/redis/to-cache-store-error.js';
import { CacheStoreError } from '../../../src/core/cache-store-error.js';

const reply = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });
const wrongPass = reply('WRONGPASS invalid username-password pair or user is disabled.');
const refused = new Error('connect ECONNREFUSED 10.0.0.9:7003');

describe('toCacheStoreError', () => {
  it('maps a refusal of the credentials to AUTH_FAILED, NOPERM and OOM to COMMAND_FAILED', () => {
    expect(toCacheStoreError(wrongPass, 'GET').code).toBe('CACHE_STORE_AUTH_FAILED');
    expect(toCacheStoreError(reply('NOAUTH Authentication required.'), 'GET').code).toBe(
      'CACHE_STORE_AUTH_FAILED',
    );
    expect(toCacheStoreError(reply('NOPERM this user has no permissions'), 'GET').code).toBe(
      'CACHE_STORE_COMMAND_FAILED',
    );
    expect(toCacheStoreError(reply('OOM command not allowed'), 'FILL').code).toBe(
      'CACHE_STORE_COMMAND_FAILED',
    );
  });

  it('keeps a timeout a timeout, whatever a connection said before', () => {
    const mapped = toCacheStoreError(new Error('Command timed out'), 'GET', wrongPass);
    expect(mapped.code).toBe('CACHE_STORE_TIMEOUT');
    const plain = toCacheStoreError(new Error('Command timed out'), 'GET');
    expect(plain.code).toBe('CACHE_STORE_TIMEOUT');
  });

  it.each([
    "Stream isn't writeable and enableOfflineQueue options is false",
    'Connection is closed.',
    'Failed to refresh slots cache.',
    'None of startup nodes is available',
    "Cluster isn't ready and enableOfflineQueue options is false",
  ])('explains "%s" by the last connection error', (message) => {
    const byRefusal = toCacheStoreError(new Error(message), 'GET', wrongPass);
    expect(byRefusal.code).toBe('CACHE_STORE_AUTH_FAILED');
    expect(byRefusal.message).toContain('last connection error: WRONGPASS');
    const byOutage = toCacheStoreError(new Error(message), 'GET', refused);
    expect(byOutage.code).toBe('CACHE_STORE_UNAVAILABLE');
    expect(byOutage.message).toContain('ECONNREFUSED');
    expect(toCacheStoreError(new Error(message), 'GET').code).toBe('CACHE_STORE_UNAVAILABLE');
  });

  it('reads the reason of a failed slot refresh from the node error it carries', () => {
    const allFailed = Object.assign(new Error('Failed to refresh slots cache.'), {
      name: 'ClusterAllFailedError',
      lastNodeError: wrongPass,
    });
    expect(toCacheStoreError(allFailed, 'connect').code).toBe('CACHE_STORE_AUTH_FAILED');
  });

  it('does not let an old refusal explain other client errors', () => {
    expect(toCacheStoreError(refused, 'GET', wrongPass).code).toBe('CACHE_STORE_UNAVAILABLE');
    expect(toCacheStoreError(new Error('not ready within 500 ms'), 'connect', wrongPass).code).toBe(
      'CACHE_STORE_UNAVAILABLE',
    );
  });

  it('passes a CacheStoreError through and keeps the cause', () => {
    const own = new CacheStoreError('CACHE_STORE_TIMEOUT', 'deadline');
    expect(toCacheStoreError(own, 'GET', wrongPass)).toBe(own);
    expect(toCacheStoreError(refused, 'GET').cause).toBe(refused);
  });
});
