import { afterEach, describe, expect, it, vi } from 'vitest';
import { COLD_START_RETRY, retryColdStartRead } from '../../../src/adapters/redis/retry-cold-start-read.js';

/** A read that fails `failures` times, then answers; it records when each attempt started (Date.now()). */
function flakyRead(failures: number) {
  const attempts: number[] = [];
  const read = async () => {
    attempts.push(Date.now());
    if (attempts.length <= failures) throw new Error(`throttled (attempt ${attempts.length})`);
    return 'secret';
  };
  return { read, attempts };
}

/** Lets every pending promise callback run without moving the fake clock (a pause of 0 ms stays pending). */
async function runMicrotasks(): Promise<void> {
  for (let turn = 0; turn < 50; turn++) await Promise.resolve();
}

describe('the cold-start secret read', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers at the first attempt without waiting', async () => {
    const { read, attempts } = flakyRead(0);
    await expect(retryColdStartRead(read)).resolves.toBe('secret');
    expect(attempts).toHaveLength(1);
  });

  it('pauses on a timer before each retry, at most the maximum delay, and answers once the read succeeds', async () => {
    vi.useFakeTimers();
    const { read, attempts } = flakyRead(COLD_START_RETRY.retries);
    const result = retryColdStartRead(read);
    for (let retry = 1; retry <= COLD_START_RETRY.retries; retry++) {
      await runMicrotasks();
      // The failed attempt is handled and the next one waits for its pause: never back to back.
      expect(attempts).toHaveLength(retry);
      expect(vi.getTimerCount()).toBe(1);
      await vi.advanceTimersToNextTimerAsync();
      expect(attempts).toHaveLength(retry + 1);
    }
    await expect(result).resolves.toBe('secret');
    const pauses = attempts.slice(1).map((at, index) => at - (attempts[index] as number));
    for (const pause of pauses) expect(pause).toBeLessThanOrEqual(COLD_START_RETRY.maxDelayMs);
  });

  it('gives up after the last retry with the last failure, well within the Lambda init phase', async () => {
    vi.useFakeTimers();
    const { read, attempts } = flakyRead(Number.POSITIVE_INFINITY);
    const startedAt = Date.now();
    const result = retryColdStartRead(read);
    const rejected = expect(result).rejects.toThrow(`attempt ${COLD_START_RETRY.retries + 1}`);
    await vi.runAllTimersAsync();
    await rejected;
    expect(attempts).toHaveLength(COLD_START_RETRY.retries + 1);
    // On the fake clock: the pauses alone, each at most the maximum delay.
    expect(Date.now() - startedAt).toBeLessThanOrEqual(
      COLD_START_RETRY.retries * COLD_START_RETRY.maxDelayMs,
    );
  });

  it('draws different pauses for environments that start together (jitter)', async () => {
    const settings = { retries: 1, initialDelayMs: 50, maxDelayMs: 400 };
    const pauses = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const { read, attempts } = flakyRead(1);
        await retryColdStartRead(read, settings);
        return Math.round((attempts[1] as number) - (attempts[0] as number));
      }),
    );
    expect(new Set(pauses).size).toBeGreaterThan(1);
  });
});
