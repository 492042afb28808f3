import type { StoredEntry } from './cache-entry.js';

/** What to do with the entry the hot-path GET returned. */
export type LookupDecision =
  /** Fresh: answer with it. */
  | { readonly action: 'serve'; readonly entry: StoredEntry }
  /** Fresh, but this caller was drawn to refresh it early (XFetch); stale from `staleAtMs` on. */
  | { readonly action: 'refresh-early'; readonly entry: StoredEntry; readonly staleAtMs: number }
  /** Absent, unreadable or stale: ask the store for the lease. */
  | { readonly action: 'acquire'; readonly stale: StoredEntry | undefined };

/** What to do once the store has answered the lease request. */
export type AcquireDecision =
  /** Another caller filled it meanwhile. */
  | { readonly action: 'serve'; readonly entry: StoredEntry }
  /** This caller holds the lease: load (strongly consistent when fenced) and fill. */
  | { readonly action: 'load-and-fill'; readonly consistent: boolean }
  /** Someone else is refreshing: serve the stale entry now. */
  | { readonly action: 'serve-stale'; readonly entry: StoredEntry }
  /** Someone else is loading and there is nothing to serve: wait for their fill. */
  | { readonly action: 'wait' };

/**
 * XFetch (Vattani et al., "Optimal Probabilistic Cache Stampede Prevention"): a caller refreshes early
 * when `now - dt·β·ln(rand) ≥ soft`, so the chance rises as expiry nears and with how long a load takes,
 * and one caller among many refreshes before the entry goes stale.
 */
export function decideLookup(
  entry: StoredEntry | undefined,
  nowMs: number,
  beta: number,
  random: () => number,
): LookupDecision {
  if (entry === undefined || nowMs >= entry.soft) return { action: 'acquire', stale: entry };
  if (beta > 0 && entry.dt > 0) {
    // 1 - random() is in (0, 1], so the logarithm is finite.
    const staleAtMs = nowMs - entry.dt * beta * Math.log(1 - random());
    if (staleAtMs >= entry.soft) return { action: 'refresh-early', entry, staleAtMs };
  }
  return { action: 'serve', entry };
}

export function decideAcquired(
  entry: StoredEntry | undefined,
  granted: boolean,
  fenced: boolean,
  nowMs: number,
): AcquireDecision {
  if (granted) return { action: 'load-and-fill', consistent: fenced };
  if (entry === undefined) return { action: 'wait' };
  if (nowMs < entry.soft) return { action: 'serve', entry };
  return { action: 'serve-stale', entry };
}
