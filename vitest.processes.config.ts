import { defineConfig } from 'vitest/config';
import { MACHINE_LOAD_TESTS, SHARED_TEST_OPTIONS } from './vitest.config.js';

/**
 * The tests that load the whole machine (the stampede across 50 Lambda-like processes, the consistency
 * checker, the fault drills, the Redis fault tests), one file at a time and with nothing else running: on two cores, other test files beside
 * them would measure the machine rather than the code.
 */
export default defineConfig({
  test: { ...SHARED_TEST_OPTIONS, include: MACHINE_LOAD_TESTS, fileParallelism: false },
});
