import { isIP } from 'node:net';
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { worstCaseCallMs } from '../adapters/dynamodb/retry-budget.js';
import { type CachePolicy, DEFAULT_CACHE_POLICY } from '../core/cache-policy.js';

// zod/mini keeps the Lambda bundle small (the classic API adds ~440 KiB). English messages are
// opt-in, and imported alone: `z.locales` would bundle every language.
z.config(en());

const optionalString = z.pipe(
  z.optional(z.string()),
  z.transform((value) => value?.trim()),
);

const optionalUrl = (protocol?: RegExp) =>
  z.pipe(optionalString, z.optional(protocol ? z.url({ protocol }) : z.url()));

const nonEmptyString = (defaultValue: string) =>
  z._default(z.string().check(z.trim(), z.minLength(1)), defaultValue);

const positiveInt = (defaultValue: number) =>
  z._default(z.coerce.number().check(z.int(), z.positive()), defaultValue);

/** A whole number from 1 to `maximum`: TTLs past it are mistakes, and Redis refuses PX past 2^63 ms. */
const boundedInt = (defaultValue: number, maximum: number) =>
  z._default(z.coerce.number().check(z.int(), z.positive(), z.maximum(maximum)), defaultValue);

const optionalBoundedInt = (maximum: number) =>
  z.optional(z.coerce.number().check(z.int(), z.positive(), z.maximum(maximum)));

/** RFC 1123 labels of letters, digits and inner dashes, at most 253 characters in all. */
const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** An IP address, or a hostname that does not merely look like a mistyped one (`999.1.1.1`, `300`). */
function isHostOrIp(value: string): boolean {
  return isIP(value) !== 0 || (HOSTNAME.test(value) && !/^[\d.]+$/.test(value));
}

const DAY_SECONDS = 24 * 3600;

const nonNegativeNumber = (defaultValue: number, maximum: number) =>
  z._default(z.coerce.number().check(z.minimum(0), z.maximum(maximum)), defaultValue);

const {
  ttlSeconds,
  graceSeconds,
  ttlJitterPercent,
  negativeTtlSeconds,
  leaseWaitMs,
  earlyRefreshBeta,
  fenceTtlMs,
  sourceFailureTtlMs,
  writeMode,
} = DEFAULT_CACHE_POLICY;

/** Every environment variable Aside reads; README.md has the same table in prose. */
const environmentSchema = z.object({
  AWS_REGION: nonEmptyString('us-east-1'),
  TABLE_NAME: nonEmptyString('Products'),
  DYNAMODB_ENDPOINT: optionalUrl(),
  DAX_ENDPOINT: optionalUrl(/^daxs?$/),
  DYNAMODB_TIMEOUT_MS: positiveInt(1000),
  DYNAMODB_MAX_ATTEMPTS: boundedInt(3, 10),
  REDIS_URL: optionalUrl(/^rediss?$/),
  REDIS_MODE: z._default(z.enum(['standalone', 'cluster']), 'standalone'),
  REDIS_AUTH_SECRET_ARN: optionalString,
  // At least a second: each refresh reads Secrets Manager, and a wrong secret must not cost a read per call.
  REDIS_AUTH_REFRESH_INTERVAL_MS: z._default(
    z.coerce.number().check(z.int(), z.minimum(1_000), z.maximum(3_600_000)),
    30_000,
  ),
  REDIS_CONNECT_TIMEOUT_MS: positiveInt(500),
  REDIS_COMMAND_TIMEOUT_MS: positiveInt(150),
  REDIS_BREAKER_FAILURE_THRESHOLD: boundedInt(5, 1_000),
  REDIS_BREAKER_COOLDOWN_MS: boundedInt(5_000, 600_000),
  CACHE_KEY_PREFIX: z._default(
    z.string().check(z.regex(/^[a-z0-9-]{1,32}$/, 'lowercase letters, digits and dashes, at most 32')),
    'aside',
  ),
  CACHE_TTL_SECONDS: boundedInt(ttlSeconds, 365 * DAY_SECONDS),
  CACHE_GRACE_SECONDS: nonNegativeNumber(graceSeconds, 7 * DAY_SECONDS),
  CACHE_TTL_JITTER_PERCENT: nonNegativeNumber(ttlJitterPercent, 50),
  CACHE_NEGATIVE_TTL_SECONDS: boundedInt(negativeTtlSeconds, DAY_SECONDS),
  CACHE_LEASE_TTL_MS: optionalBoundedInt(60_000),
  CACHE_LEASE_WAIT_MS: nonNegativeNumber(leaseWaitMs, 10_000),
  CACHE_EARLY_REFRESH_BETA: nonNegativeNumber(earlyRefreshBeta, 10),
  CACHE_FENCE_TTL_MS: boundedInt(fenceTtlMs, 3_600_000),
  CACHE_SOURCE_FAILURE_TTL_MS: z._default(
    z.coerce.number().check(z.int(), z.minimum(0), z.maximum(60_000)),
    sourceFailureTtlMs,
  ),
  CACHE_WRITE_MODE: z._default(z.enum(['write-through', 'invalidate']), writeMode),
  METRICS_NAMESPACE: nonEmptyString('Aside'),
  SERVICE_NAME: nonEmptyString('aside'),
  LOG_LEVEL: z._default(z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL']), 'INFO'),
  PORT: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(65535)), 3000),
  // Loopback by default: the local API has no authentication, so exposing it is an explicit choice.
  HOST: z._default(
    z
      .string()
      .check(z.trim(), z.refine(isHostOrIp, 'a hostname or IP address, such as 127.0.0.1 or 0.0.0.0')),
    '127.0.0.1',
  ),
});

export type Environment = z.infer<typeof environmentSchema>;

export interface Config {
  readonly aws: { readonly region: string };
  readonly dynamodb: {
    readonly tableName: string;
    readonly endpoint: string | undefined;
    readonly daxEndpoint: string | undefined;
    readonly timeoutMs: number;
    /** Attempts per call, the first included; retries pause briefly, with jitter. */
    readonly maxAttempts: number;
  };
  readonly redis: {
    readonly url: string | undefined;
    readonly mode: 'standalone' | 'cluster';
    readonly authSecretArn: string | undefined;
    /** After Redis refuses the credentials, the secret is read again at most once per this interval. */
    readonly authRefreshIntervalMs: number;
    readonly connectTimeoutMs: number;
    readonly commandTimeoutMs: number;
    /** The circuit breaker around the Redis store: consecutive outages that open it, and its cool-down. */
    readonly breaker: { readonly failureThreshold: number; readonly cooldownMs: number };
  };
  readonly cache: {
    readonly keyPrefix: string;
    readonly policy: CachePolicy;
  };
  readonly observability: {
    readonly metricsNamespace: string;
    readonly serviceName: string;
    readonly logLevel: Environment['LOG_LEVEL'];
  };
  readonly http: { readonly port: number; readonly host: string };
}

/** Empty and blank variables count as unset, as a shell's `VAR=` means: their default applies. */
function withoutBlankValues(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/** Parses and validates the environment once; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = z.safeParse(environmentSchema, withoutBlankValues(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`, { cause: parsed.error });
  }
  const e = parsed.data;
  return {
    aws: { region: e.AWS_REGION },
    dynamodb: {
      tableName: e.TABLE_NAME,
      endpoint: e.DYNAMODB_ENDPOINT,
      daxEndpoint: e.DAX_ENDPOINT,
      timeoutMs: e.DYNAMODB_TIMEOUT_MS,
      maxAttempts: e.DYNAMODB_MAX_ATTEMPTS,
    },
    redis: {
      url: e.REDIS_URL,
      mode: e.REDIS_MODE,
      authSecretArn: e.REDIS_AUTH_SECRET_ARN,
      authRefreshIntervalMs: e.REDIS_AUTH_REFRESH_INTERVAL_MS,
      connectTimeoutMs: e.REDIS_CONNECT_TIMEOUT_MS,
      commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
      breaker: {
        failureThreshold: e.REDIS_BREAKER_FAILURE_THRESHOLD,
        cooldownMs: e.REDIS_BREAKER_COOLDOWN_MS,
      },
    },
    cache: {
      keyPrefix: e.CACHE_KEY_PREFIX,
      policy: {
        ttlSeconds: e.CACHE_TTL_SECONDS,
        graceSeconds: e.CACHE_GRACE_SECONDS,
        ttlJitterPercent: e.CACHE_TTL_JITTER_PERCENT,
        negativeTtlSeconds: e.CACHE_NEGATIVE_TTL_SECONDS,
        // A lease outlives the load it guards, retries included, and the fill after it.
        leaseTtlMs:
          e.CACHE_LEASE_TTL_MS ??
          worstCaseCallMs(e.DYNAMODB_MAX_ATTEMPTS, e.DYNAMODB_TIMEOUT_MS) + e.REDIS_COMMAND_TIMEOUT_MS,
        leaseWaitMs: e.CACHE_LEASE_WAIT_MS,
        earlyRefreshBeta: e.CACHE_EARLY_REFRESH_BETA,
        fenceTtlMs: e.CACHE_FENCE_TTL_MS,
        sourceFailureTtlMs: e.CACHE_SOURCE_FAILURE_TTL_MS,
        writeMode: e.CACHE_WRITE_MODE,
      },
    },
    observability: {
      metricsNamespace: e.METRICS_NAMESPACE,
      serviceName: e.SERVICE_NAME,
      logLevel: e.LOG_LEVEL,
    },
    http: { port: e.PORT, host: e.HOST },
  };
}
