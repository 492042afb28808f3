import { z } from 'zod';

export const DEFAULT_TTL_SECONDS = 300;

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const positiveInt = (defaultValue: number) => z.coerce.number().int().positive().default(defaultValue);

/** Every environment variable Aside reads; README.md has the same table in prose. */
const environmentSchema = z.object({
  AWS_REGION: z.string().trim().min(1).default('us-east-1'),
  TABLE_NAME: z.string().trim().min(1).default('Products'),
  DYNAMODB_ENDPOINT: optionalString.pipe(z.url().optional()),
  DAX_ENDPOINT: optionalString.pipe(z.url().optional()),
  DYNAMODB_TIMEOUT_MS: positiveInt(1000),
  REDIS_URL: optionalString.pipe(z.url({ protocol: /^rediss?$/ }).optional()),
  REDIS_MODE: z.enum(['standalone', 'cluster']).default('standalone'),
  REDIS_AUTH_SECRET_ARN: optionalString,
  REDIS_CONNECT_TIMEOUT_MS: positiveInt(500),
  REDIS_COMMAND_TIMEOUT_MS: positiveInt(150),
  CACHE_KEY_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/, 'lowercase letters, digits and dashes, at most 32')
    .default('aside'),
  CACHE_TTL_SECONDS: positiveInt(DEFAULT_TTL_SECONDS),
  CACHE_TTL_JITTER_PERCENT: z.coerce.number().min(0).max(50).default(10),
  METRICS_NAMESPACE: z.string().trim().min(1).default('Aside'),
  SERVICE_NAME: z.string().trim().min(1).default('aside'),
  LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL']).default('INFO'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
});

export type Environment = z.infer<typeof environmentSchema>;

export interface Config {
  readonly aws: { readonly region: string };
  readonly dynamodb: {
    readonly tableName: string;
    readonly endpoint: string | undefined;
    readonly daxEndpoint: string | undefined;
    readonly timeoutMs: number;
  };
  readonly redis: {
    readonly url: string | undefined;
    readonly mode: 'standalone' | 'cluster';
    readonly authSecretArn: string | undefined;
    readonly connectTimeoutMs: number;
    readonly commandTimeoutMs: number;
  };
  readonly cache: {
    readonly keyPrefix: string;
    readonly ttlSeconds: number;
    readonly ttlJitterPercent: number;
  };
  readonly observability: {
    readonly metricsNamespace: string;
    readonly serviceName: string;
    readonly logLevel: Environment['LOG_LEVEL'];
  };
  readonly http: { readonly port: number };
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/** Parses and validates the environment once; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
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
    },
    redis: {
      url: e.REDIS_URL,
      mode: e.REDIS_MODE,
      authSecretArn: e.REDIS_AUTH_SECRET_ARN,
      connectTimeoutMs: e.REDIS_CONNECT_TIMEOUT_MS,
      commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    },
    cache: {
      keyPrefix: e.CACHE_KEY_PREFIX,
      ttlSeconds: e.CACHE_TTL_SECONDS,
      ttlJitterPercent: e.CACHE_TTL_JITTER_PERCENT,
    },
    observability: {
      metricsNamespace: e.METRICS_NAMESPACE,
      serviceName: e.SERVICE_NAME,
      logLevel: e.LOG_LEVEL,
    },
    http: { port: e.PORT },
  };
}
