import { describe, expect, it } from 'vitest';
import { COLD_START_RETRY, retryColdStartRead } from '../../../src/adapters/redis/retry-cold-start-read.js';

/** A read that fails `failures` times, then answers; it records when each attempt started. */
function flakyRead(failures: number) {
  const attempts: number[] = [];
  const read = async () => {
    attempts.push(performance.now());
    if (attempts.length <= failures) throw new Error(`throttled (attempt ${attempts.length})`);
    return 'secret';
  };
  return { read, attempts };
}

describe('the cold-start secret read', () => {
  it('answers at the first attempt without waiting', async () => {
    const { read, attempts } = flakyRead(0);
    await expect(retryColdStartRead(read)).resolves.toBe('secret');
    expect(attempts).toHaveLength(1);
  });

  it('retries after jittered, growing pauses and answers once the read succeeds', async () => {
    const { read, attempts } = flakyRead(COLD_START_RETRY.retries);
    await expect(retryColdStartRead(read)).resolves.toBe('secret');
    expect(attempts).toHaveLength(COLD_START_RETRY.retries + 1);
    const pauses = attempts.slice(1).map((at, index) => at - (attempts[index] as number));
    for (const pause of pauses) expect(pause).toBeGreaterThan(0);
    // Bounded: every pause at most the maximum delay (plus timer lateness on a busy machine).
    for (const pause of pauses) expect(pause).toBeLessThan(COLD_START_RETRY.maxDelayMs + 200);
  });

  it('gives up after the last retry with the last failure, well within the Lambda init phase', async () => {
    const { read, attempts } = flakyRead(Number.POSITIVE_INFINITY);
    const started = performance.now();
    await expect(retryColdStartRead(read)).rejects.toThrow(`attempt ${COLD_START_RETRY.retries + 1}`);
    expect(attempts).toHaveLength(COLD_START_RETRY.retries + 1);
    expect(performance.now() - started).toBeLessThan(
      COLD_START_RETRY.retries * COLD_START_RETRY.maxDelayMs + 500,
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
