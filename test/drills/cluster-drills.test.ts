import { describe } from 'vitest';
import { CLUSTER_DRILLS } from '../support/drills/cluster-drills.js';
import { drillTests } from '../support/drills/drill-test.js';

/** A Redis Cluster master lost under load, failing over to its replica. */
describe('fault drills: Redis Cluster', () => {
  drillTests(CLUSTER_DRILLS);
});
