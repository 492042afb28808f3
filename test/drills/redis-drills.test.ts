import { describe } from 'vitest';
import { drillTests } from '../support/drills/drill-test.js';
import { REDIS_DRILLS } from '../support/drills/redis-drills.js';

/** A standalone redis-server killed, frozen, blocked, out of memory and restarted empty, under load. */
describe('fault drills: Redis', () => {
  drillTests(REDIS_DRILLS);
});
