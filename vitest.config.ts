import { configDefaults, defineConfig } from 'vitest/config';

/** Tests that start dozens of processes run alone, after these (vitest.processes.config.ts). */
export const PROCESS_TESTS = 'test/stampede/**/*.test.ts';

export const SHARED_TEST_OPTIONS = {
  globalSetup: ['test/support/global-setup.ts'],
  testTimeout: 20_000,
  hookTimeout: 30_000,
  env: { LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
};

export default defineConfig({
  test: {
    ...SHARED_TEST_OPTIONS,
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, PROCESS_TESTS],
  },
});
