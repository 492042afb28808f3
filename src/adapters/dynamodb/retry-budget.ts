/**
 * The retry budget of a DynamoDB call, as plain arithmetic: the configuration derives the lease TTL from it
 * during init, so this file imports no SDK code (the SDK's retry strategy is in retry-strategy.ts, loaded
 * with the client on first use).
 */

/** The first retry waits up to this long; each later one up to twice as long as the one before. */
const BACKOFF_BASE_MS = 50;
/** No single pause exceeds this: a read that keeps failing ends soon and is answered by fail-safe. */
const BACKOFF_CAP_MS = 400;

/**
 * The pause before retry number `retry` (1 for the first): "full jitter" exponential backoff, a random
 * share of a doubling ceiling, so callers that failed together do not retry together.
 */
export function retryBackoffMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/** The longest a DynamoDB call can take: every attempt timing out, with the longest pause between. */
export function worstCaseCallMs(maxAttempts: number, timeoutMs: number): number {
  let pausesMs = 0;
  for (let retry = 1; retry < maxAttempts; retry++) pausesMs += retryBackoffMs(retry, () => 1);
  return maxAttempts * timeoutMs + pausesMs;
}
