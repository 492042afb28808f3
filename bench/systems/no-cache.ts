import { openProductsTable } from './products-table.js';
import { type CreateSystem, NOT_FOUND_BODY } from './system-adapter.js';
import { settingsFromEnvironment } from './system-settings.js';

/** The baseline: every read is a DynamoDB GetItem, every write a PutItem. */
export const createSystem: CreateSystem = async () => {
  const table = openProductsTable(settingsFromEnvironment());
  return {
    async read(id) {
      const item = await table.get(id);
      return item
        ? { status: 200, body: JSON.stringify(item), cacheOutcome: 'none' }
        : { status: 404, body: NOT_FOUND_BODY, cacheOutcome: 'none' };
    },
    async write(id, attributes) {
      await table.put(id, attributes);
      return 200;
    },
  };
};
