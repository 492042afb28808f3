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

export type WorkerMessage =
  | WorkerReply
  | { readonly type: 'ready'; readonly initMs: number }
  | { readonly type: 'init-error'; readonly message: string };

export const REQUEST_TIMEOUT_VARIABLE = 'BENCH_REQUEST_TIMEOUT_MS';
export const HTTP_MODE_VARIABLE = 'BENCH_WORKER_SERVES_HTTP';
export const HTTP_READY_PREFIX = 'bench system listening on ';
