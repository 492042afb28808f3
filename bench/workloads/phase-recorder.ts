import { performance } from 'node:perf_hooks';
import type { CacheOutcome } from '../systems/system-adapter.js';
import type { WorkerReply } from '../workers/worker-messages.js';
import { Latencies, type LatencySummary } from './latency-summary.js';

export interface PhaseFigures {
  readonly seconds: number;
  readonly reads: number;
  readonly writes: number;
  readonly readsPerSecond: number;
  readonly outcomes: Partial<Record<CacheOutcome, number>>;
  /** Reads served from the cache (hit or stale) over all reads. */
  readonly hitRatio: number;
  readonly latency: {
    readonly all: LatencySummary;
    readonly hit: LatencySummary;
    readonly miss: LatencySummary;
  };
  readonly cdf: Array<[number, number]>;
  /** Reads and writes that failed: a 5xx, or no answer within the bench's deadline. */
  readonly errors: number;
  readonly firstError: string | undefined;
  /** Reads that returned an older write than one acknowledged before the read was sent. */
  readonly staleReads: number;
  /** Reads in flight at any moment while Redis was down (outage phase only). */
  readonly whileDown:
    | { readonly reads: number; readonly errors: number; readonly latency: LatencySummary }
    | undefined;
}

/** Collects one phase's replies: latency by outcome, errors, stale reads, and the window Redis was down. */
export class PhaseRecorder {
  readonly #all = new Latencies();
  readonly #hit = new Latencies();
  readonly #miss = new Latencies();
  readonly #down = new Latencies();
  readonly #outcomes: Partial<Record<CacheOutcome, number>> = {};
  readonly #started = performance.now();
  #reads = 0;
  #writes = 0;
  #errors = 0;
  #firstError: string | undefined;
  #staleReads = 0;
  #downReads = 0;
  #downErrors = 0;
  #killedAt: number | undefined;
  #restoredAt: number | undefined;

  /** The outage phase killed Redis now. */
  markRedisDown(): void {
    this.#killedAt = performance.now();
  }

  /** Redis is serving again. */
  markRedisUp(): void {
    this.#restoredAt = performance.now();
  }

  /**
   * `minimumSeq`: the newest write acknowledged for this id when the read was sent, at `sentAt`
   * (performance.now()); the read is being recorded as it completes.
   */
  recordRead(reply: WorkerReply, minimumSeq: number, sentAt: number): void {
    this.#reads += 1;
    this.#outcomes[reply.outcome] = (this.#outcomes[reply.outcome] ?? 0) + 1;
    this.#all.recordMs(reply.ms);
    if (reply.outcome === 'hit') this.#hit.recordMs(reply.ms);
    if (reply.outcome === 'miss' || reply.outcome === 'none') this.#miss.recordMs(reply.ms);
    const failed = this.#noteError(reply);
    if (reply.status === 200 && reply.seq < minimumSeq) this.#staleReads += 1;
    const overlapsOutage =
      this.#killedAt !== undefined && sentAt <= (this.#restoredAt ?? Number.POSITIVE_INFINITY);
    if (overlapsOutage) {
      this.#downReads += 1;
      this.#down.recordMs(reply.ms);
      if (failed) this.#downErrors += 1;
    }
  }

  recordWrite(reply: WorkerReply): void {
    this.#writes += 1;
    this.#noteError(reply);
  }

  #noteError(reply: WorkerReply): boolean {
    const failed = reply.status === 0 || reply.status >= 500;
    if (failed) {
      this.#errors += 1;
      this.#firstError ??= reply.error ?? `status ${reply.status}`;
    }
    return failed;
  }

  figures(): PhaseFigures {
    const seconds = (performance.now() - this.#started) / 1000;
    const cached = (this.#outcomes.hit ?? 0) + (this.#outcomes.stale ?? 0);
    return {
      seconds,
      reads: this.#reads,
      writes: this.#writes,
      readsPerSecond: this.#reads / seconds,
      outcomes: this.#outcomes,
      hitRatio: this.#reads ? cached / this.#reads : 0,
      latency: { all: this.#all.summary(), hit: this.#hit.summary(), miss: this.#miss.summary() },
      cdf: this.#all.cdf(),
      errors: this.#errors,
      firstError: this.#firstError,
      staleReads: this.#staleReads,
      whileDown:
        this.#killedAt !== undefined
          ? { reads: this.#downReads, errors: this.#downErrors, latency: this.#down.summary() }
          : undefined,
    };
  }
}
