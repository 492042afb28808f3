import type { DynamoDbDependencies } from './create-dynamodb-dependencies.js';

/**
 * The DynamoDB dependencies built on first use instead of at init: the AWS SDK is half the api bundle and
 * most of its init time, and a cache hit never needs it (docs/architecture.md, "The hit path as built").
 * The first miss pays for loading it. A failed load is retried by the next use.
 */
export function lazyDynamoDb(load: () => Promise<DynamoDbDependencies>): DynamoDbDependencies & {
  close(): Promise<void>;
} {
  let loading: Promise<DynamoDbDependencies> | undefined;
  const loaded = () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  return {
    source: {
      load: async (id, options) => (await loaded()).source.load(id, options),
      loadMany: async (ids, options) => (await loaded()).source.loadMany(ids, options),
    },
    writer: {
      put: async (id, attributes, preconditions) =>
        (await loaded()).writer.put(id, attributes, preconditions),
      delete: async (id, preconditions) => (await loaded()).writer.delete(id, preconditions),
    },
    probe: { check: async (signal) => (await loaded()).probe.check(signal) },
    close: async () => {
      const dependencies = await loading?.catch(() => undefined);
      dependencies?.close();
    },
  };
}
