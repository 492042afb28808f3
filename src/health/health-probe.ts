import type { DependencyReport } from './health-report.js';

/**
 * The port each dependency's health check implements. A probe reports failures it can explain as a
 * `down` report; `signal` aborts at the check's deadline, for probes whose client can cancel a request.
 */
export interface HealthProbe<R extends DependencyReport> {
  check(signal: AbortSignal): Promise<R>;
}

/** A probe with its deadline, and the report to give if it misses it or throws. */
export interface BoundedProbe<R extends DependencyReport> {
  readonly probe: HealthProbe<R>;
  readonly timeoutMs: number;
  /** The report without figures (kind, table name…), to which the failure is added. */
  readonly identity: Omit<R, keyof DependencyReport>;
}
