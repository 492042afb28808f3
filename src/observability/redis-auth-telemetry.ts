import type { CredentialRotationListener } from '../adapters/redis/rotating-redis-cache-store.js';
import { METRIC } from './metric-names.js';
import { MetricUnit } from './metric-unit.js';
import type { Telemetry } from './telemetry.js';

/**
 * Refused Redis credentials and the secret re-reads they cause, as EMF metrics and logs. Every refused
 * call counts: a secret and a user that disagree bypass the cache on every read, and the RedisAuthFailures
 * alarm is what makes that visible.
 */
export function createRedisAuthTelemetry({ metrics, logger }: Telemetry): CredentialRotationListener {
  return {
    onAuthFailure: () => metrics.addMetric(METRIC.redisAuthFailures, MetricUnit.Count, 1),
    onSecretRead: (stage) => {
      metrics.addMetric(METRIC.redisAuthSecretReads, MetricUnit.Count, 1);
      logger.info('Redis refused the credentials; reading the AUTH secret again', { stage });
    },
    onSecretReadFailed: (error) =>
      logger.error('Redis AUTH secret could not be read again; reads keep bypassing the cache', {
        error: error as Error,
      }),
    onCredentialsChanged: (stage) =>
      logger.warn('Redis client reconnected with the credentials of the AUTH secret', { stage }),
  };
}
