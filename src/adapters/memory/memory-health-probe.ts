import type { HealthProbe } from '../../health/health-probe.js';
import type { CacheReport } from '../../health/health-report.js';

/** The in-process store has nothing to reach and no eviction: it is up while the process is. */
export const memoryHealthProbe: HealthProbe<CacheReport> = {
  check: async () => ({ kind: 'memory', status: 'up' }),
};
