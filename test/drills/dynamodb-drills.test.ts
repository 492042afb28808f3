import { describe } from 'vitest';
import { drillTests } from '../support/drills/drill-test.js';
import { DYNAMODB_DRILLS } from '../support/drills/dynamodb-drills.js';

/** DynamoDB unreachable, throttling and slow, under load. */
describe('fault drills: DynamoDB', () => {
  drillTests(DYNAMODB_DRILLS);
});
