import { checkWithinDeadline } from './check-within-deadline.js';
import type { BoundedProbe } from './health-probe.js';
import type { CacheReport, CircuitState, DatabaseReport, HealthReport } from './health-report.js';
import { overallStatus } from './overall-status.js';
import { shareRecentCheck } from './share-recent-check.js';

export interface HealthDependencies {
  readonly cache: BoundedProbe<CacheReport>;
  /** The state of the breaker in front of the cache, when there is one (Redis). */
  readonly circuit?: () => CircuitState;
  readonly database: BoundedProbe<DatabaseReport>;
}

/** Checks every dependency at once; resolves within the longest probe deadline, never rejects. */
export type CheckHealth = () => Promise<HealthReport>;

/** Requests within HEALTH_REPORT_REUSE_MS of a check share its report (share-recent-check.ts says why). */
export function createHealthCheck({ cache, circuit, database }: HealthDependencies): CheckHealth {
  return shareRecentCheck(async () => {
    const [cacheReport, databaseReport] = await Promise.all([
      checkWithinDeadline(cache),
      checkWithinDeadline(database),
    ]);
    // Read after the probes: the probe bypasses the breaker, so the two can disagree (Redis answers
    // again while the circuit still waits out its cool-down), and both are worth seeing.
    const breaker = circuit?.();
    const cacheWithBreaker = breaker === undefined ? cacheReport : { ...cacheReport, breaker };
    return {
      status: overallStatus(cacheWithBreaker, databaseReport),
      checkedAt: new Date().toISOString(),
      cache: cacheWithBreaker,
      database: databaseReport,
    };
  });
}
