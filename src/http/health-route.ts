import type { Hono } from 'hono';
import type { CheckHealth } from '../health/check-health.js';
import type { OverallStatus } from '../health/health-report.js';
import { ROUTES, toRouterPath } from './routes.js';

/** Degraded still answers 200: reads fail open to DynamoDB, so the service serves. */
const STATUS_CODE = { ok: 200, degraded: 200, unavailable: 503 } as const satisfies Record<
  OverallStatus,
  number
>;

/** GET (and HEAD) /health: every dependency checked now, within its deadline; never cached. */
export function registerHealthRoute(app: Hono, checkHealth: CheckHealth): void {
  app.get(toRouterPath(ROUTES.health.path), async (c) => {
    const report = await checkHealth();
    c.header('Cache-Control', 'no-store');
    return c.json(report, STATUS_CODE[report.status]);
  });
}
