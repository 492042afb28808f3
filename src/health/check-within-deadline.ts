import type { BoundedProbe } from './health-probe.js';
import type { DependencyReport } from './health-report.js';

/**
 * Runs one probe; never rejects and never outlasts `timeoutMs`: a probe that throws or misses its
 * deadline is reported `down` with the reason, and its request is aborted where the client allows.
 */
export async function checkWithinDeadline<R extends DependencyReport>({
  probe,
  timeoutMs,
  identity,
}: BoundedProbe<R>): Promise<R> {
  // identity holds every field of R but the DependencyReport ones, which this adds.
  const down = (error: string) => ({ ...identity, status: 'down', error }) as unknown as R;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<R>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(down(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  const checked = probe
    .check(controller.signal)
    .catch((error: unknown) => down(error instanceof Error ? error.message : String(error)));
  try {
    return await Promise.race([checked, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
