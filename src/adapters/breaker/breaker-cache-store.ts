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

/** What the breaker reports; the composition root turns it into logs and metrics. */
export interface BreakerListener {
  /** Opened, or opened again because a probe failed; `cause` is the failure that did it. */
  onOpen(cause: unknown): void;
  /** A probe reached the store: calls go through again. */
  onClose(): void;
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
 * one call probes the store; if it gets an answer (even a refusal) the circuit closes.
 */
export class BreakerCacheStore implements CacheStore {
  readonly #policy: CircuitBreakerPolicy;

  constructor(
    private readonly inner: CacheStore,
    settings: BreakerSettings,
    private readonly listener: BreakerListener,
  ) {
    this.#policy = circuitBreaker(handleWhen(isOutage), {
      halfOpenAfter: settings.cooldownMs,
      breaker: new ConsecutiveBreaker(settings.failureThreshold),
    });
    this.#policy.onBreak((reason) => listener.onOpen(failureOf(reason)));
    this.#policy.onReset(() => listener.onClose());
  }

  get state(): BreakerState {
    if (this.#policy.state === CircuitState.Open) return 'open';
    return this.#policy.state === CircuitState.HalfOpen ? 'half-open' : 'closed';
  }

  get(key: string): Promise<string | null> {
    return this.#run(() => this.inner.get(key));
  }

  /** One call for the breaker, however many keys: it is one round trip (per node) to the store. */
  getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return this.#run(() => this.inner.getMany(keys));
  }

  acquire(keys: ItemKeys, request: AcquireRequest): Promise<AcquireResult> {
    return this.#run(() => this.inner.acquire(keys, request));
  }

  fill(keys: ItemKeys, request: FillRequest): Promise<FillResult> {
    return this.#run(() => this.inner.fill(keys, request));
  }

  writeThrough(keys: ItemKeys, request: WriteThroughRequest): Promise<WriteThroughResult> {
    return this.#run(() => this.inner.writeThrough(keys, request));
  }

  invalidate(keys: ItemKeys, request: InvalidateRequest): Promise<void> {
    return this.#run(() => this.inner.invalidate(keys, request));
  }

  /** Not guarded: releasing connections must work whatever the circuit's state. */
  close(): Promise<void> {
    return this.inner.close();
  }

  async #run<T>(operation: () => Promise<T>): Promise<T> {
    // cockatiel queues calls behind a half-open probe; refusing them keeps every call within one
    // command timeout while the probe is out.
    if (this.#policy.state === CircuitState.HalfOpen) throw this.#rejected();
    try {
      return await this.#policy.execute(operation);
    } catch (error) {
      throw isBrokenCircuitError(error) ? this.#rejected() : error;
    }
  }

  #rejected(): CacheStoreError {
    this.listener.onReject();
    return new CacheStoreError(
      'CACHE_STORE_UNAVAILABLE',
      'circuit open: the cache store timed out or was unreachable; calls skip it until a probe succeeds',
      { cause: failureOf(this.#policy.lastFailure) },
    );
  }
}
