const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 50;

/**
 * The pauses between polls of a caller waiting for another's fill, doubling from 5 ms up to 50 ms and
 * ending exactly at `waitMs`: short first polls catch a fast load, the cap bounds the lag behind a slow one.
 */
export function leaseWaitPauses(waitMs: number): number[] {
  const pauses: number[] = [];
  let elapsed = 0;
  let pause = FIRST_POLL_MS;
  while (elapsed < waitMs) {
    const next = Math.min(pause, waitMs - elapsed);
    pauses.push(next);
    elapsed += next;
    pause = Math.min(pause * 2, MAX_POLL_MS);
  }
  return pauses;
}
