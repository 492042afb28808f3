import type { CacheMaintenance, MaintenanceResult } from '../core/cache-maintenance.js';
import type {
  DeleteResult,
  ProductAttributes,
  ProductWriter,
  PutResult,
  StoredProduct,
  WritePreconditions,
} from './product-writer.js';

/** What the write use-case reports, for metrics and logs; implemented in the composition root. */
export interface WriteObserver {
  written(): void;
  preconditionFailed(): void;
  cacheMaintained(result: MaintenanceResult): void;
  cacheMaintenanceFailed(id: string, error: unknown): void;
}

export interface WriteProduct {
  put(id: string, attributes: ProductAttributes, preconditions: WritePreconditions): Promise<PutResult>;
  delete(id: string, preconditions: Pick<WritePreconditions, 'ifMatch'>): Promise<DeleteResult>;
}

export interface WriteProductDependencies {
  readonly writer: ProductWriter;
  readonly maintenance: CacheMaintenance<StoredProduct>;
  readonly observer: WriteObserver;
}

/**
 * The write use-case (DESIGN.md section 6): the conditional write, then the cache step (write-through or
 * invalidate per policy; a delete always invalidates with the deleted item's version). The answer waits
 * for the cache step, so a read after it sees the write; a Redis failure there does not fail the write,
 * which DynamoDB already holds: the stream handler converges the cache.
 */
export function createWriteProduct({
  writer,
  maintenance,
  observer,
}: WriteProductDependencies): WriteProduct {
  const maintain = async (id: string, version: number, value: StoredProduct | null) => {
    try {
      observer.cacheMaintained(await maintenance.apply({ id, version, value }));
    } catch (error) {
      observer.cacheMaintenanceFailed(id, error);
    }
  };

  const observe = <R extends PutResult | DeleteResult>(result: R): R => {
    if (result.status === 'precondition-failed') observer.preconditionFailed();
    else if (result.status !== 'not-found') observer.written();
    return result;
  };

  return {
    async put(id, attributes, preconditions) {
      const result = observe(await writer.put(id, attributes, preconditions));
      if (result.status !== 'precondition-failed') await maintain(id, result.product.version, result.product);
      return result;
    },
    async delete(id, preconditions) {
      const result = observe(await writer.delete(id, preconditions));
      if (result.status === 'deleted') await maintain(id, result.version, null);
      return result;
    },
  };
}
