import { defineConfig } from 'vitest/config';
import { PROCESS_TESTS, SHARED_TEST_OPTIONS } from './vitest.config.js';

/**
 * The tests that run many OS processes at once (the stampede across Lambda-like environments), one
 * file at a time and with nothing else running: on two cores, other test files beside 50 processes
 * would measure the machine rather than the code.
 */
export default defineConfig({
  test: { ...SHARED_TEST_OPTIONS, include: [PROCESS_TESTS], fileParallelism: false },
});
