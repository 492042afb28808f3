import { API_BUNDLE_VARIABLE, WRITER_BUNDLE_VARIABLE } from '../systems/aside-lambda.js';
import type { SystemKey } from '../systems/system-catalog.js';
import { type SystemSettings, settingsEnvironment } from '../systems/system-settings.js';
import { REQUEST_TIMEOUT_VARIABLE } from '../workers/worker-messages.js';
import type { AsideBundles } from './aside-bundles.js';

/** Aside's grace is 12 × its TTL by default (300 s, 1 h); a scaled TTL keeps that ratio. */
const GRACE_PER_TTL = 12;

/** Aside's own variables (its config.ts), as a Lambda function would be configured. */
export function asideEnvironment(settings: SystemSettings): Record<string, string> {
  return {
    REDIS_URL: settings.redisUrl,
    DYNAMODB_ENDPOINT: settings.dynamoDbEndpoint,
    TABLE_NAME: settings.tableName,
    CACHE_TTL_SECONDS: String(settings.ttlSeconds),
    CACHE_GRACE_SECONDS: String(GRACE_PER_TTL * settings.ttlSeconds),
  };
}

/** A clean environment for a worker (nothing from the caller's shell), as Lambda gives a function. */
export function workerEnvironment(
  system: SystemKey,
  settings: SystemSettings,
  asideBundles: AsideBundles,
  requestTimeoutMs: number,
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    AWS_REGION: settings.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    [REQUEST_TIMEOUT_VARIABLE]: String(requestTimeoutMs),
    ...settingsEnvironment(settings),
    ...(system === 'aside'
      ? {
          ...asideEnvironment(settings),
          [API_BUNDLE_VARIABLE]: asideBundles.api,
          [WRITER_BUNDLE_VARIABLE]: asideBundles.writer,
        }
      : {}),
  };
}
