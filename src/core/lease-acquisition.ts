import type { StoredEntry } from './cache-entry.js';
import type { CacheObserver } from './cache-observer.js';
import type { CachePolicy } from './cache-policy.js';
import type { CacheStore, ItemKeys } from './cache-store.js';
import type { Clock } from './clock.js';
import { leaseWaitPauses } from './lease-wait.js';
import { liveEntry } from './live-entry.js';
import { type AcquireDecision, decideAcquired } from './read-decision.js';

/**
 * Where asking for an item's lease ended: what read-decision.ts decided on the store's answer (a load
 * keeps the entry that answer held, its stale fallback), or why nothing was decided.
 */
export type Acquisition =
  | Exclude<AcquireDecision, { readonly action: 'load-and-fill' }>
  | {
      readonly action: 'load-and-fill';
      readonly consistent: boolean;
      readonly entry: StoredEntry | undefined;
    }
  /** Nobody filled within the wait bound and the lease stayed taken: load without filling. */
  | { readonly action: 'timed-out' }
  /** The store failed (reported): bypass it. */
  | { readonly action: 'store-failed' };

export interface LeaseAcquirerDependencies {
  readonly store: CacheStore;
  readonly policy: CachePolicy;
  readonly clock: Clock;
  readonly observer: CacheObserver;
}

/** Asks the store for an item's lease (DESIGN.md section 5, read path steps 2 and 4) for single and batch reads. */
export class LeaseAcquirer {
  readonly #deps: LeaseAcquirerDependencies;

  constructor(deps: LeaseAcquirerDependencies) {
    this.#deps = deps;
  }

  /** One ACQUIRE and its decision. */
  async acquire(keys: ItemKeys, token: string): Promise<Acquisition> {
    const { store, policy, clock, observer } = this.#deps;
    let acquired: Awaited<ReturnType<CacheStore['acquire']>>;
    try {
      acquired = await store.acquire(keys, { token, leaseTtlMs: policy.leaseTtlMs, staleAtMs: clock.now() });
    } catch (error) {
      observer.onStoreError('acquire', error);
      return { action: 'store-failed' };
    }
    const entry = liveEntry(acquired.entry, clock.now());
    const decision = decideAcquired(entry, acquired.granted, acquired.fenced, clock.now());
    return decision.action === 'load-and-fill' ? { ...decision, entry } : decision;
  }

  /**
   * After `acquire` said "wait": asks again after short pauses until the holder's fill appears, the lease
   * is free again (its holder's fill was refused by a change, or the holder died: this caller takes
   * over), or the wait bound passes.
   */
  async waitForFill(keys: ItemKeys, token: string): Promise<Exclude<Acquisition, { action: 'wait' }>> {
    const { policy, clock, observer } = this.#deps;
    observer.onEvent('LEASE_WAIT');
    // The bound is wall time, polls included: a busy process must not wait longer than configured.
    const waitUntil = clock.now() + policy.leaseWaitMs;
    const pauses = leaseWaitPauses(policy.leaseWaitMs);
    for (;;) {
      const remainingMs = waitUntil - clock.now();
      const pause = pauses.shift();
      if (pause === undefined || remainingMs <= 0) {
        observer.onEvent('LEASE_WAIT_TIMEOUT');
        return { action: 'timed-out' };
      }
      await clock.sleep(Math.min(pause, remainingMs));
      const acquisition = await this.acquire(keys, token);
      if (acquisition.action !== 'wait') return acquisition;
    }
  }
}
