import type { StoredEntry } from './cache-entry.js';
import { itemKeys } from './cache-keys.js';
import { type CacheObserver, type CacheOutcome, silentObserver } from './cache-observer.js';
import type { CachePolicy } from './cache-policy.js';
import type { CacheStore, ItemKeys } from './cache-store.js';
import { type Clock, systemClock } from './clock.js';
import { LeaseAcquirer } from './lease-acquisition.js';
import { liveEntry } from './live-entry.js';
import { LoadAndFill, type Loaded } from './load-and-fill.js';
import { decideLookup } from './read-decision.js';
import { type CacheRead, countRead, type Settled, served } from './settled-read.js';
import { SingleFlight } from './single-flight.js';
import type { Source } from './source.js';

export type { CacheRead } from './settled-read.js';

export interface CacheAsideOptions<T> {
  readonly store: CacheStore;
  readonly source: Source<T>;
  readonly keyPrefix: string;
  readonly policy: CachePolicy;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Makes lease tokens; random UUIDs unless a test wants to know them. */
  readonly newToken?: () => string;
  readonly observer?: CacheObserver;
}

/**
 * The cache-aside read protocol (DESIGN.md section 5): one GET on the hot path; on an absent or stale
 * entry a lease decides, across every process sharing the store, who loads and fills; the others get
 * the stale entry at once or wait briefly for the fill. A failing store never fails a read (BYPASS);
 * a failing source is answered with the stale entry when there is one, and otherwise remembered for a
 * moment, so every process answers with the failure instead of asking the failing source again.
 */
export class CacheAside<T> {
  readonly #store: CacheStore;
  readonly #keyPrefix: string;
  readonly #policy: CachePolicy;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #newToken: () => string;
  readonly #observer: CacheObserver;
  readonly #runner: LoadAndFill<T>;
  readonly #leases: LeaseAcquirer;
  readonly #flights = new SingleFlight<Settled<T>>();

  constructor(options: CacheAsideOptions<T>) {
    this.#store = options.store;
    this.#keyPrefix = options.keyPrefix;
    this.#policy = options.policy;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#newToken = options.newToken ?? (() => crypto.randomUUID());
    this.#observer = options.observer ?? silentObserver;
    this.#runner = new LoadAndFill({
      store: options.store,
      source: options.source,
      policy: options.policy,
      clock: this.#clock,
      random: this.#random,
      observer: this.#observer,
    });
    this.#leases = new LeaseAcquirer({
      store: options.store,
      policy: options.policy,
      clock: this.#clock,
      observer: this.#observer,
    });
  }

  async get(id: string): Promise<CacheRead<T>> {
    const keys = itemKeys(this.#keyPrefix, id);
    let text: string | null;
    try {
      text = await this.#store.get(keys.entry);
    } catch (error) {
      this.#observer.onStoreError('get', error);
      // Not shared: a load already under way may predate a write this caller saw acknowledged, and with
      // no fill to be refused nothing would tell. On Lambda each environment has one caller anyway.
      return this.#answer(this.#bypass(id, undefined));
    }
    const decision = decideLookup(
      this.#decode(text),
      this.#clock.now(),
      this.#policy.earlyRefreshBeta,
      this.#random,
    );
    switch (decision.action) {
      case 'serve':
        return this.#answer(Promise.resolve(served('HIT', decision.entry)));
      case 'refresh-early':
        // Another caller of this process refreshes it already: this one's entry is fresh, serve it.
        if (this.#flights.has(`early:${id}`))
          return this.#answer(Promise.resolve(served('HIT', decision.entry)));
        return this.#answer(
          this.#flights.run(`early:${id}`, () =>
            this.#refreshEarly(id, keys, decision.entry, decision.staleAtMs),
          ),
        );
      case 'acquire': {
        const joining = this.#flights.has(id);
        // A stale entry is served at once while this process already refreshes it, as across processes.
        if (decision.stale && joining) return this.#answer(Promise.resolve(served('STALE', decision.stale)));
        const flight = this.#flights.run(id, () => this.#resolve(id, keys, decision.stale));
        return this.#answer(joining ? this.#unlessOvertaken(flight, id, keys) : flight);
      }
    }
  }

  /**
   * A caller that joined a flight already under way may have started after a change the flight's load
   * predates (a delete removes the entry, so the caller found nothing and joined). When the flight's
   * fill was refused, that load is older than a change: the joiner resolves afresh instead.
   */
  async #unlessOvertaken(flight: Promise<Settled<T>>, id: string, keys: ItemKeys): Promise<Settled<T>> {
    const settled = await flight;
    return 'read' in settled && settled.overtaken ? this.#resolve(id, keys, undefined) : settled;
  }

  /** Counts the read once per caller, then answers or throws. */
  async #answer(settling: Promise<Settled<T>>): Promise<CacheRead<T>> {
    const settled = await settling;
    countRead(this.#observer, settled);
    if ('error' in settled) throw settled.error;
    return settled.read;
  }

  /**
   * Asks for the lease; without it and with nothing to serve, waits for the holder's fill (or takes the
   * lease over), and past the wait bound loads without filling.
   */
  async #resolve(id: string, keys: ItemKeys, stale: StoredEntry | undefined): Promise<Settled<T>> {
    const token = this.#newToken();
    let acquisition = await this.#leases.acquire(keys, token);
    if (acquisition.action === 'wait') acquisition = await this.#leases.waitForFill(keys, token);
    switch (acquisition.action) {
      case 'serve':
        return served('HIT', acquisition.entry);
      case 'serve-stale':
        return served('STALE', acquisition.entry);
      case 'load-and-fill':
        return this.#loadAndFill(id, keys, token, acquisition.consistent, acquisition.entry);
      case 'store-failed':
        return this.#bypass(id, stale);
      case 'timed-out':
        return this.#loadOnly(id, 'MISS', undefined);
    }
  }

  async #loadAndFill(
    id: string,
    keys: ItemKeys,
    token: string,
    consistent: boolean,
    stale: StoredEntry | undefined,
  ): Promise<Settled<T>> {
    let loaded: Loaded<T>;
    try {
      loaded = await this.#runner.load(id, consistent);
    } catch (error) {
      // Fail-safe: the stale entry is a better answer than an error. The lease stays with this caller
      // until it expires, so others keep serving that entry meanwhile.
      if (stale) return served('STALE', stale);
      await this.#runner.rememberFailure(keys, token, error);
      return { outcome: 'MISS', error };
    }
    const overtaken = await this.#runner.fill(keys, token, loaded);
    return { read: { outcome: 'MISS', record: loaded.record }, overtaken };
  }

  /** Serves a fresh entry, refreshed ahead of its expiry if this caller wins the lease. */
  async #refreshEarly(
    id: string,
    keys: ItemKeys,
    entry: StoredEntry,
    staleAtMs: number,
  ): Promise<Settled<T>> {
    const token = this.#newToken();
    let granted: boolean;
    let fenced: boolean;
    try {
      ({ granted, fenced } = await this.#store.acquire(keys, {
        token,
        leaseTtlMs: this.#policy.leaseTtlMs,
        staleAtMs,
      }));
    } catch (error) {
      this.#observer.onStoreError('acquire', error);
      return served('HIT', entry);
    }
    if (!granted) return served('HIT', entry);
    this.#observer.onEvent('EARLY_REFRESH');
    let loaded: Loaded<T>;
    try {
      loaded = await this.#runner.load(id, fenced);
    } catch {
      // The entry is still fresh: a failed early refresh (already reported) costs only the attempt.
      return served('HIT', entry);
    }
    await this.#runner.fill(keys, token, loaded);
    return { read: { outcome: 'HIT', record: loaded.record } };
  }

  #bypass(id: string, stale: StoredEntry | undefined): Promise<Settled<T>> {
    return this.#loadOnly(id, 'BYPASS', stale);
  }

  async #loadOnly(id: string, outcome: CacheOutcome, stale: StoredEntry | undefined): Promise<Settled<T>> {
    try {
      const { record } = await this.#runner.load(id, false);
      return { read: { outcome, record } };
    } catch (error) {
      return stale ? served('STALE', stale) : { outcome, error };
    }
  }

  #decode(text: string | null): StoredEntry | undefined {
    return liveEntry(text, this.#clock.now(), () => this.#observer.onEvent('CORRUPT_ENTRY'));
  }
}
