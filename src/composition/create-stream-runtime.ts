import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { Config } from '../config/config.js';
import { CacheMaintenance } from '../core/cache-maintenance.js';
import type { Telemetry } from '../observability/telemetry.js';
import type { Product } from '../products/product.js';
import { createStreamHandler } from '../streams/stream-handler.js';
import { createSharedDependencies, type SharedDependencyOptions } from './create-shared-dependencies.js';

/** Keys applied at once: enough to overlap Redis round trips, few enough not to queue on one connection. */
const KEY_CONCURRENCY = 16;

/** The stream function's runtime: DynamoDB Streams batches applied to the cache. */
export interface StreamRuntime {
  /** Applies one batch as Lambda delivers it; writes that invocation's metrics as one EMF document. */
  handle(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse>;
  readonly telemetry: Telemetry;
  close(): Promise<void>;
}

/** The stream function's composition root: shared dependencies once per process, then the handler. */
export async function createStreamRuntime(
  config: Config,
  options: SharedDependencyOptions = {},
): Promise<StreamRuntime> {
  const { telemetry, store, close } = await createSharedDependencies(config, options);
  const maintenance = new CacheMaintenance<Product>({
    store,
    keyPrefix: config.cache.keyPrefix,
    policy: config.cache.policy,
  });
  const handleBatch = createStreamHandler({
    maintenance,
    telemetry,
    keyConcurrency: KEY_CONCURRENCY,
    writeThroughMaxAgeMs: config.cache.policy.fenceTtlMs,
  });
  return {
    handle: async (event) => {
      try {
        return await handleBatch(event);
      } finally {
        telemetry.flushMetrics();
      }
    },
    telemetry,
    close,
  };
}
