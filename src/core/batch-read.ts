import type { CacheAsideOptions } from './cache-aside.js';
import type { StoredEntry } from './cache-entry.js';
import { itemKeys } from './cache-keys.js';
import { type CacheObserver, type CacheOutcome, silentObserver } from './cache-observer.js';
import type { CachePolicy } from './cache-policy.js';
import type { CacheStore, ItemKeys } from './cache-store.js';
import { type Clock, systemClock } from './clock.js';
import { type Acquisition, LeaseAcquirer } from './lease-acquisition.js';
import { liveEntry } from './live-entry.js';
import { LoadAndFill } from './load-and-fill.js';
import { decideLookup, type LookupDecision } from './read-decision.js';
import { countRead, type Settled, served } from './settled-read.js';
import type { BatchLoad, BatchSource, SourceRecord } from './source.js';
import { SourceError } from './source-error.js';

/** The most ids one batch read takes: DynamoDB's BatchGetItem reads at most 100 keys per request. */
export const MAX_BATCH_IDS = 100;

/** A single read's options, with a source that also reads many items in one request. */
export interface BatchReadOptions<T> extends Omit<CacheAsideOptions<T>, 'source'> {
  readonly source: BatchSource<T>;
}

/** One item of a batch read: how it was served and the item (null: not found), or why it failed. */
export type BatchItem<T> =
  | { readonly id: string; readonly outcome: CacheOutcome; readonly record: SourceRecord<T> | null }
  | { readonly id: string; readonly outcome: CacheOutcome; readonly error: unknown };

/** An item the batch's source request reads, and how its answer is used. */
interface LoadJob<T> {
  readonly index: number;
  /** The lease this read holds: the loaded item is filled under it. */
  readonly lease?: { readonly keys: ItemKeys; readonly token: string; readonly consistent: boolean };
  /** How the loaded item is served. */
  readonly outcome: CacheOutcome;
  /** Served instead when the load fails: a stale entry, or the fresh one an early refresh replaces. */
  readonly fallback?: Settled<T>;
}

/** The first step of one item: answered already, to be loaded, or waiting for another's fill. */
type FirstStep<T> =
  | { readonly settled: Settled<T>; readonly index: number }
  | { readonly job: LoadJob<T> }
  | { readonly wait: { readonly index: number; readonly keys: ItemKeys; readonly token: string } };

/**
 * Batch reads (DESIGN.md section 5, "Batch reads"): one multi-key lookup for every entry; fresh ones are
 * served; the rest ask for their leases (each as a single read would, all at once); the items granted a
 * lease or bypassing the store are read with one source request and filled per key under their leases.
 * Items waiting for another's fill wait as single reads do, then the ones still unanswered are read with
 * a second request. Each item ends as a single read of it would (outcome, stale fallback, remembered
 * failure) and is counted on its own. Not coalesced with concurrent reads in the process: the leases
 * coordinate them, as between processes.
 */
export class BatchRead<T> {
  readonly #store: CacheStore;
  readonly #source: BatchSource<T>;
  readonly #keyPrefix: string;
  readonly #policy: CachePolicy;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #newToken: () => string;
  readonly #observer: CacheObserver;
  readonly #runner: LoadAndFill<T>;
  readonly #leases: LeaseAcquirer;

  constructor(options: BatchReadOptions<T>) {
    this.#store = options.store;
    this.#source = options.source;
    this.#keyPrefix = options.keyPrefix;
    this.#policy = options.policy;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#newToken = options.newToken ?? (() => crypto.randomUUID());
    this.#observer = options.observer ?? silentObserver;
    const dependencies = {
      store: this.#store,
      policy: this.#policy,
      clock: this.#clock,
      observer: this.#observer,
    };
    this.#runner = new LoadAndFill({ ...dependencies, source: this.#source, random: this.#random });
    this.#leases = new LeaseAcquirer(dependencies);
  }

  /**
   * The items in the order asked, each id once (a repeated id is read and answered once). Rejects only
   * with a RangeError for more than MAX_BATCH_IDS distinct ids; a failed item is an item with its error.
   */
  async getMany(ids: readonly string[]): Promise<BatchItem<T>[]> {
    const distinct = [...new Set(ids)];
    if (distinct.length > MAX_BATCH_IDS) {
      throw new RangeError(`A batch read takes at most ${MAX_BATCH_IDS} ids, not ${distinct.length}`);
    }
    const settled = await this.#settle(
      distinct,
      distinct.map((id) => itemKeys(this.#keyPrefix, id)),
    );
    return distinct.map((id, index) => {
      const item = settled[index] as Settled<T>;
      countRead(this.#observer, item);
      return 'error' in item ? { id, outcome: item.outcome, error: item.error } : { id, ...item.read };
    });
  }

  async #settle(ids: readonly string[], keys: readonly ItemKeys[]): Promise<Settled<T>[]> {
    const results: Settled<T>[] = new Array(ids.length);
    let texts: (string | null)[];
    try {
      texts = await this.#store.getMany(keys.map((key) => key.entry));
    } catch (error) {
      this.#observer.onStoreError('get', error);
      await this.#load(
        ids,
        ids.map((_, index) => ({ index, outcome: 'BYPASS' })),
        results,
      );
      return results;
    }
    // Fresh entries, the usual case, are served synchronously; only the others start asynchronous work.
    const now = this.#clock.now();
    const steps: Promise<FirstStep<T>>[] = [];
    for (const [index, text] of texts.entries()) {
      const entry = liveEntry(text, now, () => this.#observer.onEvent('CORRUPT_ENTRY'));
      const decision = decideLookup(entry, now, this.#policy.earlyRefreshBeta, this.#random);
      if (decision.action === 'serve') results[index] = served('HIT', decision.entry);
      else steps.push(this.#firstStep(index, keys[index] as ItemKeys, decision));
    }
    const jobs: LoadJob<T>[] = [];
    const waits: Extract<FirstStep<T>, { wait: unknown }>['wait'][] = [];
    for (const step of await Promise.all(steps)) {
      if ('settled' in step) results[step.index] = step.settled;
      else if ('job' in step) jobs.push(step.job);
      else waits.push(step.wait);
    }
    await Promise.all([this.#load(ids, jobs, results), this.#afterWaits(ids, waits, results)]);
    return results;
  }

  async #firstStep(
    index: number,
    keys: ItemKeys,
    decision: Exclude<LookupDecision, { action: 'serve' }>,
  ): Promise<FirstStep<T>> {
    if (decision.action === 'refresh-early') {
      return this.#refreshEarly(index, keys, decision.entry, decision.staleAtMs);
    }
    const token = this.#newToken();
    const acquisition = await this.#leases.acquire(keys, token);
    if (acquisition.action === 'wait') return { wait: { index, keys, token } };
    return this.#afterAcquisition(index, keys, token, acquisition, decision.stale);
  }

  /** As a single read: the fresh entry is served; with the lease, the item is loaded and filled first. */
  async #refreshEarly(
    index: number,
    keys: ItemKeys,
    entry: StoredEntry,
    staleAtMs: number,
  ): Promise<FirstStep<T>> {
    const token = this.#newToken();
    const fresh = served<T>('HIT', entry);
    try {
      const { granted, fenced } = await this.#store.acquire(keys, {
        token,
        leaseTtlMs: this.#policy.leaseTtlMs,
        staleAtMs,
      });
      if (!granted) return { settled: fresh, index };
      this.#observer.onEvent('EARLY_REFRESH');
      return { job: { index, lease: { keys, token, consistent: fenced }, outcome: 'HIT', fallback: fresh } };
    } catch (error) {
      this.#observer.onStoreError('acquire', error);
      return { settled: fresh, index };
    }
  }

  #afterAcquisition(
    index: number,
    keys: ItemKeys,
    token: string,
    acquisition: Exclude<Acquisition, { action: 'wait' }>,
    stale: StoredEntry | undefined,
  ): FirstStep<T> {
    switch (acquisition.action) {
      case 'serve':
        return { settled: served('HIT', acquisition.entry), index };
      case 'serve-stale':
        return { settled: served('STALE', acquisition.entry), index };
      case 'load-and-fill': {
        const lease = { keys, token, consistent: acquisition.consistent };
        const fallback = acquisition.entry && served<T>('STALE', acquisition.entry);
        return { job: { index, lease, outcome: 'MISS', fallback } };
      }
      case 'store-failed':
        return { job: { index, outcome: 'BYPASS', fallback: stale && served('STALE', stale) } };
      case 'timed-out':
        return { job: { index, outcome: 'MISS' } };
    }
  }

  /** Items waiting for another's fill wait as single reads do; those left unanswered are read together. */
  async #afterWaits(
    ids: readonly string[],
    waits: readonly { readonly index: number; readonly keys: ItemKeys; readonly token: string }[],
    results: Settled<T>[],
  ): Promise<void> {
    if (waits.length === 0) return;
    const steps = await Promise.all(
      waits.map(async ({ index, keys, token }) =>
        // Nothing was cached when the wait began, so there is no stale entry to fall back on.
        this.#afterAcquisition(index, keys, token, await this.#leases.waitForFill(keys, token), undefined),
      ),
    );
    const jobs: LoadJob<T>[] = [];
    for (const step of steps) {
      if ('settled' in step) results[step.index] = step.settled;
      else if ('job' in step) jobs.push(step.job);
    }
    await this.#load(ids, jobs, results);
  }

  /** One source request for every job, then each item filled under its lease (or served as it fell back). */
  async #load(ids: readonly string[], jobs: readonly LoadJob<T>[], results: Settled<T>[]): Promise<void> {
    if (jobs.length === 0) return;
    // One request reads every item one way: strongly consistent if any item's fence asks for it.
    const consistent = jobs.some((job) => job.lease?.consistent);
    const jobIds = jobs.map((job) => ids[job.index] as string);
    let batch: BatchLoad<T>;
    let durationMs: number;
    try {
      ({ result: batch, durationMs } = await this.#runner.measure(() =>
        this.#source.loadMany(jobIds, { consistent }),
      ));
    } catch (error) {
      await Promise.all(jobs.map(async (job) => (results[job.index] = await this.#failed(job, error))));
      return;
    }
    const firstFailure = batch.failed.values().next();
    if (!firstFailure.done) this.#observer.onSourceError(firstFailure.value);
    await Promise.all(
      jobs.map(async (job, position) => {
        const id = jobIds[position] as string;
        const record = batch.records.get(id);
        if (record === undefined) {
          const error = batch.failed.get(id) ?? new SourceError('SOURCE_UNAVAILABLE', `${id} was not read`);
          results[job.index] = await this.#failed(job, error);
          return;
        }
        if (job.lease) await this.#runner.fill(job.lease.keys, job.lease.token, { record, durationMs });
        results[job.index] = { read: { outcome: job.outcome, record } };
      }),
    );
  }

  /** As a single read: the fallback if any, else the error, remembered under the lease if this read held it. */
  async #failed(job: LoadJob<T>, error: unknown): Promise<Settled<T>> {
    if (job.fallback) return job.fallback;
    if (job.lease) await this.#runner.rememberFailure(job.lease.keys, job.lease.token, error);
    return { outcome: job.outcome, error };
  }
}
