import {
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
} from 'cockatiel';
import type {
  AcquireRequest,
  AcquireResult,
  CacheStore,
  FillRequest,
  FillResult,
  InvalidateRequest,
  ItemKeys,
  WriteThroughRequest,
  WriteThroughResult,
} from '../../core/cache-store.js';
import { CacheStoreError } from '../../core/cache-store-error.js';

export interface BreakerSettings {
  /** Consecutive timeouts or unavailability that open the circuit. */
  readonly failureThreshold: number;
  /** How long the circuit stays open before one call is let through as a probe. */
  readonly cooldownMs: number;
}

/**
 * Which part of the store serves a key (a cluster's master): each part has a circuit of its own, so one
 * part's outage bypasses only its keys. Without it the store is one part.
 */
export type PartitionOf = (key: string) => string;

/** What the breaker reports; the composition root turns it into logs and metrics. */
export interface BreakerListener {
  /**
   * Opened, or opened again because a probe failed; `cause` is the failure that did it, `partition` the
   * part of the store whose circuit it is ('' for a store of one part).
   */
  onOpen(cause: unknown, partition: string): void;
  /** A probe reached that part of the store: calls go through again. */
  onClose(partition: string): void;
  /** A call was refused without touching the store. */
  onReject(): void;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Only an unreachable or unanswering store counts. A COMMAND_FAILED (OOM at maxmemory refusing a fill)
 * proves the server answers, and AUTH_FAILED must keep reaching Redis so a WRONGPASS can trigger the
 * secret re-read of token rotation (issue 8 point 5) instead of being hidden behind an open circuit.
 */
function isOutage(error: Error): boolean {
  return (
    error instanceof CacheStoreError &&
    (error.code === 'CACHE_STORE_TIMEOUT' || error.code === 'CACHE_STORE_UNAVAILABLE')
  );
}

/** The error inside a cockatiel failure record (or an unwanted return value, or isolation: unused here). */
function failureOf(reason: object | undefined): unknown {
  return reason && 'error' in reason ? reason.error : undefined;
}

/**
 * A CacheStore decorator with a circuit breaker (cockatiel; docs/architecture.md says why): after
 * `failureThreshold` outages in a row every call rejects at once with CACHE_STORE_UNAVAILABLE, which
 * the engine answers as BYPASS, without waiting out a command timeout per call. After `cooldownMs`
 * one call probes the store; if it gets an answer (even a refusal) the circuit closes. With
 * `partitionOf`, each part of the store (a cluster's master) has its own circuit: a call is counted by
 * the circuit of its key's part; a batch read touching an open part is refused whole, and its outcome
 * counts for every part it touched.
 */
export class BreakerCacheStore implements CacheStore {
  readonly #circuits = new Map<string, CircuitBreakerPolicy>();

  constructor(
    private readonly inner: CacheStore,
    private readonly settings: BreakerSettings,
    private readonly listener: BreakerListener,
    private readonly partitionOf: PartitionOf = () => '',
  ) {}

  /** The most open of the circuits: `open` if any is, else `half-open` if any is, else `closed`. */
  get state(): BreakerState {
    let state: BreakerState = 'closed';
    for (const policy of this.#circuits.values()) {
      if (policy.state === CircuitState.Open) return 'open';
      if (policy.state === CircuitState.HalfOpen) state = 'half-open';
    }
    return state;
  }

  get(key: string): Promise<string | null> {
    return this.#run(this.partitionOf(key), () => this.inner.get(key));
  }

  /** One call for the breaker, however many keys: it is one round trip (per node) to the store. */
  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    const partitions = [...new Set(keys.map(this.partitionOf))];
    if (partitions.length <= 1) return this.#run(partitions[0] ?? '', () => this.inner.getMany(keys));
    const policies = partitions.map((partition) => this.#circuit(partition));
    const notClosed = policies.find((policy) => policy.state !== CircuitState.Closed);
    if (notClosed) throw this.#rejected(notClosed);
    // Every circuit sees the call, so an outage counts against each part it touched.
    const call = policies.reduce<() => Promise<(string | null)[]>>(
      (inner, policy) => () => policy.execute(inner),
      () => this.inner.getMany(keys),
    );
    try {
      return await call();
    } catch (error) {
      if (!isBrokenCircuitError(error)) throw error;
      // A circuit opened while the call waited: refused as any open circuit refuses.
      throw this.#rejected(
        policies.find((p) => p.state !== CircuitState.Closed) ?? (policies[0] as CircuitBreakerPolicy),
      );
    }
  }

  acquire(keys: ItemKeys, request: AcquireRequest): Promise<AcquireResult> {
    return this.#run(this.partitionOf(keys.entry), () => this.inner.acquire(keys, request));
  }

  fill(keys: ItemKeys, request: FillRequest): Promise<FillResult> {
    return this.#run(this.partitionOf(keys.entry), () => this.inner.fill(keys, request));
  }

  writeThrough(keys: ItemKeys, request: WriteThroughRequest): Promise<WriteThroughResult> {
    return this.#run(this.partitionOf(keys.entry), () => this.inner.writeThrough(keys, request));
  }

  invalidate(keys: ItemKeys, request: InvalidateRequest): Promise<void> {
    return this.#run(this.partitionOf(keys.entry), () => this.inner.invalidate(keys, request));
  }

  /** Not guarded: releasing connections must work whatever the circuits' states. */
  close(): Promise<void> {
    return this.inner.close();
  }

  async #run<T>(partition: string, operation: () => Promise<T>): Promise<T> {
    const policy = this.#circuit(partition);
    // cockatiel queues calls behind a half-open probe; refusing them keeps every call within one
    // command timeout while the probe is out.
    if (policy.state === CircuitState.HalfOpen) throw this.#rejected(policy);
    try {
      return await policy.execute(operation);
    } catch (error) {
      throw isBrokenCircuitError(error) ? this.#rejected(policy) : error;
    }
  }

  #circuit(partition: string): CircuitBreakerPolicy {
    let policy = this.#circuits.get(partition);
    if (policy) return policy;
    policy = circuitBreaker(handleWhen(isOutage), {
      halfOpenAfter: this.settings.cooldownMs,
      breaker: new ConsecutiveBreaker(this.settings.failureThreshold),
    });
    policy.onBreak((reason) => this.listener.onOpen(failureOf(reason), partition));
    policy.onReset(() => this.listener.onClose(partition));
    this.#circuits.set(partition, policy);
    return policy;
  }

  #rejected(policy: CircuitBreakerPolicy): CacheStoreError {
    this.listener.onReject();
    return new CacheStoreError(
      'CACHE_STORE_UNAVAILABLE',
      'circuit open: the cache store timed out or was unreachable; calls skip it until a probe succeeds',
      { cause: failureOf(policy.lastFailure) },
    );
  }
}
