import type { CacheReport, DatabaseReport, OverallStatus } from './health-report.js';

/**
 * DynamoDB decides availability: without it nothing is served but stale entries. The cache only
 * decides whether the service is degraded: reads fail open to DynamoDB (slower, costlier).
 */
export function overallStatus(cache: CacheReport, database: DatabaseReport): OverallStatus {
  if (database.status === 'down') return 'unavailable';
  const bypassed = cache.breaker !== undefined && cache.breaker !== 'closed';
  return cache.status === 'down' || bypassed ? 'degraded' : 'ok';
}
