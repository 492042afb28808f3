/**
 * The TTL for one fill, spread by up to ±`jitterPercent` so entries filled together do not expire
 * together. `random` returns a number in [0, 1).
 */
export function jitteredTtlMs(ttlSeconds: number, jitterPercent: number, random: () => number): number {
  const baseMs = ttlSeconds * 1000;
  const spreadMs = (baseMs * jitterPercent) / 100;
  return Math.max(1, Math.round(baseMs - spreadMs + 2 * spreadMs * random()));
}
