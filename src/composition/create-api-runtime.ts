import type { Hono } from 'hono';
import type { Config } from '../config/config.js';
import { CacheAside } from '../core/cache-aside.js';
import { createApp } from '../http/app.js';
import { createCacheTelemetry } from '../observability/cache-telemetry.js';
import type { Telemetry } from '../observability/telemetry.js';
import type { Product } from '../products/product.js';
import { createReadProduct } from '../products/read-product.js';
import type { CacheStoreKind } from './create-cache-store.js';
import { createSharedDependencies, type SharedDependencyOptions } from './create-shared-dependencies.js';

/** The API function's runtime: the HTTP app over the read protocol. */
export interface ApiRuntime {
  readonly app: Hono;
  readonly telemetry: Telemetry;
  readonly cacheStoreKind: CacheStoreKind;
  close(): Promise<void>;
}

/** The API's composition root: shared dependencies once per process, then the engine and the app. */
export async function createApiRuntime(
  config: Config,
  options: SharedDependencyOptions = {},
): Promise<ApiRuntime> {
  const shared = await createSharedDependencies(config, options);
  const { telemetry, store, source } = shared;
  const cache = new CacheAside<Product>({
    store,
    source,
    keyPrefix: config.cache.keyPrefix,
    policy: config.cache.policy,
    observer: createCacheTelemetry(telemetry),
  });
  const app = createApp({
    readProduct: createReadProduct(cache),
    onRequestEnd: telemetry.flushMetrics,
    onError: (error) => telemetry.logger.error('Request failed', { error: error as Error }),
  });
  return { app, telemetry, cacheStoreKind: shared.cacheStoreKind, close: shared.close };
}
