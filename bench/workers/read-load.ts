import { performance } from 'node:perf_hooks';
import { sampleProductId } from '../../src/local/sample-catalog.js';
import type { CacheOutcome, SystemAdapter } from '../systems/system-adapter.js';
import { zipfSampler } from '../zipf.js';
import type { LoadReply, LoadRequest } from './worker-messages.js';

const EARLY_ENOUGH_MS = 2;

/**
 * The worker side of the steady-state phase: up to `concurrency` callers read Zipf ids through the
 * adapter until `seconds` have passed, each read started at its slot of a `readsPerSecond` schedule
 * (at once when the schedule is behind) or back to back. A schedule leaves the machine headroom: a
 * saturated CPU delays Redis replies past a system's command timeout, which is overload, not cache
 * logic. No deadline per read: only the count of DynamoDB reads and of outcomes matters here.
 */
export async function runReadLoad(adapter: SystemAdapter, request: LoadRequest): Promise<LoadReply> {
  const rank = zipfSampler(request.itemCount, request.zipfExponent, request.seed);
  const outcomes: Partial<Record<CacheOutcome, number>> = {};
  let reads = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const endAt = started + request.seconds * 1000;
  let scheduled = 0;
  const caller = async () => {
    while (performance.now() < endAt) {
      if (request.readsPerSecond !== undefined) {
        const dueAt = started + (1000 * scheduled++) / request.readsPerSecond;
        const wait = dueAt - performance.now();
        // Timers fire a millisecond or more late on a busy machine: a read less early than that goes now.
        if (wait > EARLY_ENOUGH_MS) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      try {
        const result = await adapter.read(sampleProductId(rank()));
        outcomes[result.cacheOutcome] = (outcomes[result.cacheOutcome] ?? 0) + 1;
        if (result.status >= 500) {
          errors += 1;
          firstError ??= `status ${result.status}`;
        }
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
      reads += 1;
    }
  };
  await Promise.all(Array.from({ length: request.concurrency }, caller));
  const seconds = (performance.now() - started) / 1000;
  return { type: 'load-reply', seconds, reads, outcomes, errors, firstError };
}
