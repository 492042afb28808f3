import type { CacheOutcome, ProductAttributes } from '../systems/system-adapter.js';

/** One request for a worker; it serves one at a time, as a Lambda execution environment does. */
export type WorkerRequest =
  | { readonly type: 'read'; readonly id: string }
  | { readonly type: 'write'; readonly id: string; readonly attributes: ProductAttributes }
  /** Get ready to write, untimed (Aside: its writer function's init, which Lambda runs on its own). */
  | { readonly type: 'prepare-writes' };

export interface WorkerReply {
  readonly type: 'reply';
  /** 0 when the request did not finish within the bench's deadline. */
  readonly status: number;
  readonly outcome: CacheOutcome;
  /** Time inside the adapter, measured in the worker (IPC excluded). */
  readonly ms: number;
  /** The `benchSeq` of the item a read returned (0 for an item no benchmark write touched). */
  readonly seq: number;
  readonly error?: string;
}

/**
 * Reads served inside the worker, `concurrency` at a time, for `seconds`: many callers at once without
 * a round trip to the parent per read, so the steady-state phase reaches production-like reads per TTL.
 */
export interface LoadRequest {
  readonly type: 'load';
  readonly seconds: number;
  readonly concurrency: number;
  /** Reads are started on this schedule (arrivals, as production's), or back to back when undefined. */
  readonly readsPerSecond: number | undefined;
  readonly itemCount: number;
  readonly zipfExponent: number;
  readonly seed: number;
}

export interface LoadReply {
  readonly type: 'load-reply';
  readonly seconds: number;
  readonly reads: number;
  readonly outcomes: Partial<Record<CacheOutcome, number>>;
  /** Reads that threw or answered 5xx. */
  readonly errors: number;
  readonly firstError: string | undefined;
}

export type WorkerMessage =
  | WorkerReply
  | LoadReply
  | { readonly type: 'ready'; readonly initMs: number }
  | { readonly type: 'init-error'; readonly message: string };

export const REQUEST_TIMEOUT_VARIABLE = 'BENCH_REQUEST_TIMEOUT_MS';
export const HTTP_MODE_VARIABLE = 'BENCH_WORKER_SERVES_HTTP';
export const HTTP_READY_PREFIX = 'bench system listening on ';
