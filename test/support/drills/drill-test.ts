import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { checkDrill } from './check-drill.js';
import type { Drill } from './drill.js';
import { type DrillRunOptions, runDrill } from './run-drill.js';

/** Small enough for the test suite, large enough to open the breaker and see every promise. */
export const TEST_DRILL_OPTIONS: DrillRunOptions = { concurrency: 4, holdMs: 1_500 };
/** Stacks, a cluster's failover and the bounds' worst cases fit well inside this. */
const DRILL_TEST_TIMEOUT_MS = 60_000;

/** One vitest test per drill: it passes when the run broke no promise (checkDrill). */
export function drillTests(drills: readonly Drill[]): void {
  beforeAll(() => {
    // The stack's SDK reads credentials from the environment; dynalite checks none.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });
  for (const drill of drills) {
    it(
      drill.name,
      async () => {
        const run = await runDrill(drill, TEST_DRILL_OPTIONS);
        expect(checkDrill(run).slice(0, 20)).toEqual([]);
      },
      DRILL_TEST_TIMEOUT_MS,
    );
  }
}
