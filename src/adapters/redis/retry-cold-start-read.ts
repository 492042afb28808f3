import { ExponentialBackoff, handleAll, retry } from 'cockatiel';

export interface ColdStartRetrySettings {
  /** Retries after the first attempt. */
  readonly retries: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Three attempts, about 0.1 s then up to 0.4 s apart (decorrelated jitter, so environments started together
 * do not retry together): with a 1 s request timeout the whole read stays under 4 s of Lambda's 10 s init.
 */
export const COLD_START_RETRY: ColdStartRetrySettings = { retries: 2, initialDelayMs: 100, maxDelayMs: 400 };

/**
 * Runs a cold-start read (the Redis auth secret) with a few jittered retries: a throttled or briefly
 * unreachable Secrets Manager should not leave an environment without the cache for its whole life.
 * Rejects with the last failure once the retries are spent.
 */
export function retryColdStartRead<T>(
  read: () => Promise<T>,
  settings: ColdStartRetrySettings = COLD_START_RETRY,
): Promise<T> {
  const policy = retry(handleAll, {
    maxAttempts: settings.retries,
    backoff: new ExponentialBackoff({ initialDelay: settings.initialDelayMs, maxDelay: settings.maxDelayMs }),
  });
  return policy.execute(() => read());
}
