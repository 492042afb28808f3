import { performance } from 'node:perf_hooks';
import type { WorkerPool } from '../workers/worker-pool.js';
import type { PhaseRecorder } from './phase-recorder.js';
import type { RequestSource } from './request-source.js';

/**
 * Every worker serves back to back for `seconds`: N Lambda environments kept busy, each one request at
 * a time (closed loop), so throughput is what N environments sustain on this machine.
 */
export async function runClosedLoop(
  pool: WorkerPool,
  seconds: number,
  source: RequestSource,
  recorder?: PhaseRecorder,
): Promise<void> {
  const endAt = performance.now() + seconds * 1000;
  await Promise.all(
    pool.workers.map(async (worker) => {
      while (performance.now() < endAt) {
        const planned = source.next();
        const sentAt = performance.now();
        const reply = await worker.call(planned.request);
        source.settle(planned, reply);
        if (!recorder) continue;
        if (planned.request.type === 'read') recorder.recordRead(reply, planned.minimumSeq, sentAt);
        else recorder.recordWrite(reply);
      }
    }),
  );
}
