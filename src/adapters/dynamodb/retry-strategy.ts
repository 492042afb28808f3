import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { retryBackoffMs } from './retry-budget.js';

/**
 * The SDK's standard retry strategy (its retry quota included: a client whose calls keep failing stops
 * retrying until calls succeed again) with `maxAttempts` attempts in all and short jittered pauses.
 * The SDK's own pauses for throttling reach seconds, longer than a read should hold its lease or its
 * caller: past the last attempt the read protocol serves the stale entry or answers 503 with
 * Retry-After, which spreads the client's retries instead.
 */
export function createRetryStrategy(maxAttempts: number): ConfiguredRetryStrategy {
  return new ConfiguredRetryStrategy(maxAttempts, (retry) => retryBackoffMs(retry));
}
