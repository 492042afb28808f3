import type { Hono } from 'hono';
import type { Config } from '../config/config.js';
import { BatchRead } from '../core/batch-read.js';
import { CacheAside } from '../core/cache-aside.js';
import { CacheMaintenance } from '../core/cache-maintenance.js';
import { createHealthCheck } from '../health/check-health.js';
import { createApp, type RequestHooks } from '../http/app.js';
import type { RouteGroup } from '../http/routes.js';
import { createCacheTelemetry } from '../observability/cache-telemetry.js';
import { recordMaintenance, recordMaintenanceError } from '../observability/maintenance-telemetry.js';
import { METRIC } from '../observability/metric-names.js';
import { MetricUnit } from '../observability/metric-unit.js';
import type { Telemetry } from '../observability/telemetry.js';
import type { Product } from '../products/product.js';
import type { StoredProduct } from '../products/product-writer.js';
import { createReadProduct, type ReadProduct } from '../products/read-product.js';
import { createReadProducts, type ReadProducts } from '../products/read-products.js';
import { createWriteProduct, type WriteObserver, type WriteProduct } from '../products/write-product.js';
import type { CacheStoreKind } from './create-cache-store.js';
import {
  createSharedDependencies,
  type SharedDependencies,
  type SharedDependencyOptions,
} from './create-shared-dependencies.js';

/** An HTTP function's runtime: the app over the read protocol, the write use-case, or both. */
export interface ApiRuntime {
  readonly app: Hono;
  /** The read use-case the app's read route serves (undefined without the read routes), with the app's hooks. */
  readonly readRoute?: ReadRoute;
  readonly telemetry: Telemetry;
  readonly cacheStoreKind: CacheStoreKind;
  close(): Promise<void>;
}

/** What a host needs to answer the read routes without the app (src/lambda/direct-read.ts). */
export interface ReadRoute {
  readonly readProduct: ReadProduct;
  readonly readProducts: ReadProducts;
  readonly hooks: RequestHooks;
}

export interface ApiRuntimeOptions extends SharedDependencyOptions {
  /** Which routes this runtime serves: `read` for the api function (the default), `write` for the writer. */
  readonly routes?: readonly RouteGroup[];
}

/** The HTTP composition root: shared dependencies once per process, then the use-cases and the app. */
export async function createApiRuntime(config: Config, options: ApiRuntimeOptions = {}): Promise<ApiRuntime> {
  const routes = new Set(options.routes ?? ['read']);
  const shared = await createSharedDependencies(config, options);
  const { telemetry } = shared;
  const hooks: RequestHooks = {
    onRequestEnd: telemetry.flushMetrics,
    onError: (error) => telemetry.logger.error('Request failed', { error: error as Error }),
  };
  const reads = routes.has('read') ? readUseCases(shared) : undefined;
  const app = createApp({
    readProduct: reads?.readProduct,
    readProducts: reads?.readProducts,
    writeProduct: routes.has('write') ? writeUseCase(shared) : undefined,
    // GET /health is the api function's (routes.ts): the read runtime serves it.
    checkHealth: routes.has('read') ? createHealthCheck(shared.health) : undefined,
    ...hooks,
  });
  const readRoute = reads ? { ...reads, hooks } : undefined;
  return { app, readRoute, telemetry, cacheStoreKind: shared.cacheStoreKind, close: shared.close };
}

/** Single and batch reads, on one store and source, counted by one observer. */
function readUseCases({ config, telemetry, store, source }: SharedDependencies): {
  readProduct: ReadProduct;
  readProducts: ReadProducts;
} {
  const options = {
    store,
    source,
    keyPrefix: config.cache.keyPrefix,
    policy: config.cache.policy,
    observer: createCacheTelemetry(telemetry),
  };
  return {
    readProduct: createReadProduct(new CacheAside<Product>(options)),
    readProducts: createReadProducts(new BatchRead<Product>(options)),
  };
}

function writeUseCase({ config, telemetry, store, writer }: SharedDependencies): WriteProduct {
  const maintenance = new CacheMaintenance<StoredProduct>({
    store,
    keyPrefix: config.cache.keyPrefix,
    policy: config.cache.policy,
  });
  return createWriteProduct({ writer, maintenance, observer: writeTelemetry(telemetry) });
}

/** The write use-case's reports as EMF metrics and logs. */
function writeTelemetry(telemetry: Telemetry): WriteObserver {
  const count = (metric: string) => telemetry.metrics.addMetric(metric, MetricUnit.Count, 1);
  return {
    written: () => count(METRIC.productWrites),
    preconditionFailed: () => count(METRIC.writePreconditionFailures),
    cacheMaintained: (result) => recordMaintenance(telemetry, result),
    cacheMaintenanceFailed: (id, error) => recordMaintenanceError(telemetry, id, error),
  };
}
