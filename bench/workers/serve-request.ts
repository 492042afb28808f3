import { performance } from 'node:perf_hooks';
import type { SystemAdapter } from '../systems/system-adapter.js';
import type { WorkerReply, WorkerRequest } from './worker-messages.js';

const TIMED_OUT = Symbol('timed out');

/**
 * Serves one request within `deadlineMs`: a request still running then is answered as failed (status 0)
 * and left behind, as a caller that gave up would; a thrown error is a 500, as an unhandled error in a
 * function is.
 */
export async function serveRequest(
  adapter: SystemAdapter,
  request: WorkerRequest,
  deadlineMs: number,
): Promise<WorkerReply> {
  const started = performance.now();
  if (request.type === 'prepare-writes') {
    await adapter.prepareWrites?.();
    return { type: 'reply', status: 200, outcome: 'none', ms: performance.now() - started, seq: 0 };
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), deadlineMs);
  });
  const work =
    request.type === 'read'
      ? adapter.read(request.id)
      : adapter.write(request.id, request.attributes).then((status) => ({
          status,
          body: '',
          cacheOutcome: 'none' as const,
        }));
  try {
    const result = await Promise.race([work, deadline]);
    const ms = performance.now() - started;
    if (result === TIMED_OUT) {
      work.catch(() => undefined);
      return { type: 'reply', status: 0, outcome: 'none', ms, seq: 0, error: 'deadline' };
    }
    return { type: 'reply', status: result.status, outcome: result.cacheOutcome, ms, seq: seqOf(result) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      type: 'reply',
      status: 500,
      outcome: 'none',
      ms: performance.now() - started,
      seq: 0,
      error: message,
    };
  } finally {
    clearTimeout(timer);
  }
}

function seqOf(result: { status: number; body: string }): number {
  if (result.status !== 200 || result.body === '') return 0;
  const parsed = JSON.parse(result.body) as { benchSeq?: unknown };
  return typeof parsed.benchSeq === 'number' ? parsed.benchSeq : 0;
}
