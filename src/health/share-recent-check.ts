/** How long a finished health check answers later requests. */
export const HEALTH_REPORT_REUSE_MS = 1_000;

/**
 * One check at a time, its result reused for `reuseForMs` after it ends: each /health check costs a
 * DescribeTable plus a PING and an INFO on every Redis master, so concurrent or rapid requests share one
 * round of probes instead of each sending their own.
 */
export function shareRecentCheck<T>(
  check: () => Promise<T>,
  reuseForMs = HEALTH_REPORT_REUSE_MS,
  now: () => number = Date.now,
): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  let last: { readonly result: T; readonly endedAt: number } | undefined;
  return () => {
    if (last && now() - last.endedAt < reuseForMs) return Promise.resolve(last.result);
    inFlight ??= check()
      .then((result) => {
        last = { result, endedAt: now() };
        return result;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}
