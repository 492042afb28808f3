import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Tests that load the whole machine (dozens of processes, tens of thousands of operations) run alone,
 * after the others (vitest.processes.config.ts).
 */
export const MACHINE_LOAD_TESTS = [
  'test/stampede/**/*.test.ts',
  'test/consistency/consistency-checker.test.ts',
  // Their latency bounds hold for the faults they cause, not for a machine busy with other test files.
  'test/drills/**/*.test.ts',
  // Production's 150 ms command timeout on purpose: beside other files a healthy master can miss it.
  'test/adapters/redis/redis-faults.test.ts',
];

export const SHARED_TEST_OPTIONS = {
  globalSetup: ['test/support/global-setup.ts'],
  setupFiles: ['test/support/record-equality.ts'],
  testTimeout: 20_000,
  hookTimeout: 30_000,
  env: {
    LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    // The SDK's documented switch for its one "Node 22 will be required" notice on Node 20.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  },
};

export default defineConfig({
  test: {
    ...SHARED_TEST_OPTIONS,
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...MACHINE_LOAD_TESTS],
  },
});
