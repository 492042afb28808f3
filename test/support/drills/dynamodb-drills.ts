import { worstCaseCallMs } from '../../../src/adapters/dynamodb/retry-budget.js';
import type { Drill, DrillPromises } from './drill.js';
import { DYNAMODB_FAULT_ENV } from './drill-settings.js';

/**
 * DynamoDB failing, whatever the way: fresh entries are HITs, stale ones within grace are served
 * STALE, ids with nothing cached answer 503 with Retry-After (nothing else to give), cached "not
 * found"s stay 404. Once it answers again, stale and uncached ids load (MISS) and are HITs after.
 */
const SOURCE_FAILING: DrillPromises = {
  duringFault: { fresh: ['HIT'], stale: ['STALE'], uncached: ['503'], missing: ['HIT'] },
  seenDuringFault: ['HIT', 'STALE', '503'],
  // Entries live a few seconds here, so they expire and refresh (MISS, STALE to concurrent readers).
  afterRecovery: ['HIT', 'MISS', 'STALE'],
  refilled: ['stale', 'uncached'],
  breakerOpens: false,
};

/** How many DynamoDB timeouts late a slow GetItem answer comes: every attempt times out. */
const SLOW_ANSWER_TIMEOUTS = 3;
/** How long the slow fault holds beyond one read's retries, so reads fail within it. */
const MIN_FAILED_READS_MS = 500;

/** The endpoint stops listening: every connection is refused, as a DynamoDB that cannot be reached. */
export const dynamoDbStoppedDrill: Drill = {
  name: 'DynamoDB endpoint stopped (connection refused)',
  redis: 'standalone',
  env: DYNAMODB_FAULT_ENV,
  idClasses: ['fresh', 'stale', 'uncached', 'missing'],
  async inject(stack) {
    await stack.proxy.refuseConnections();
    return { clear: () => stack.proxy.acceptConnections() };
  },
  promises: SOURCE_FAILING,
};

/** Every request throttled (ProvisionedThroughputExceededException): the SDK retries with short backoff. */
export const dynamoDbThrottledDrill: Drill = {
  name: 'DynamoDB throttling',
  redis: 'standalone',
  env: DYNAMODB_FAULT_ENV,
  idClasses: ['fresh', 'stale', 'uncached', 'missing'],
  async inject(stack) {
    stack.proxy.fault = 'throttle';
    return {
      clear: async () => {
        stack.proxy.fault = 'none';
      },
    };
  },
  promises: SOURCE_FAILING,
};

/** GetItem answers come later than DYNAMODB_TIMEOUT_MS: every attempt times out, none hangs. */
export const dynamoDbSlowDrill: Drill = {
  name: 'DynamoDB slow (answers after the timeout)',
  redis: 'standalone',
  env: DYNAMODB_FAULT_ENV,
  idClasses: ['fresh', 'stale', 'uncached', 'missing'],
  // A read started as the fault begins gives up only after all its attempts: hold past that.
  minHoldMs: (config) =>
    worstCaseCallMs(config.dynamodb.maxAttempts, config.dynamodb.timeoutMs) + MIN_FAILED_READS_MS,
  async inject(stack) {
    const lateMs = SLOW_ANSWER_TIMEOUTS * stack.config.dynamodb.timeoutMs;
    stack.proxy.getItemAnswerDelayMs = () => lateMs;
    return {
      clear: async () => {
        stack.proxy.getItemAnswerDelayMs = undefined;
      },
    };
  },
  promises: SOURCE_FAILING,
};

export const DYNAMODB_DRILLS: readonly Drill[] = [
  dynamoDbStoppedDrill,
  dynamoDbThrottledDrill,
  dynamoDbSlowDrill,
];
