import { EmfDocumentWriter } from './emf-document.js';
import { MetricUnit, type MetricUnitName } from './metric-unit.js';

/** CloudWatch reads at most 100 values of one metric from one document. */
export const MAX_VALUES_PER_METRIC = 100;

export interface EmfMetricsOptions {
  readonly namespace: string;
  readonly serviceName: string;
  /** No document is written (POWERTOOLS_METRICS_DISABLED), metrics are still accepted. */
  readonly disabled?: boolean;
  /** Where a document goes; stdout by default, where Lambda's log agent and the CloudWatch agent read EMF. */
  readonly write?: (document: string) => void;
  readonly now?: () => number;
}

interface Recorded {
  readonly unit: MetricUnitName;
  values: number[];
}

/**
 * Metrics buffered in memory and written as EMF documents, one `write` each. Replaces Powertools Metrics on
 * the request path: see docs/architecture.md, "The hit path as built".
 */
export class EmfMetrics {
  readonly #recorded = new Map<string, Recorded>();
  readonly #writer: EmfDocumentWriter;
  readonly #disabled: boolean;
  readonly #write: (document: string) => void;
  readonly #now: () => number;

  constructor(options: EmfMetricsOptions) {
    this.#writer = new EmfDocumentWriter(options.namespace, options.serviceName);
    this.#disabled = options.disabled ?? false;
    // Looked up at each write, so a stream replaced later (a test's capture) is honoured.
    this.#write = options.write ?? ((document) => process.stdout.write(document));
    this.#now = options.now ?? Date.now;
  }

  addMetric(name: string, unit: MetricUnitName, value: number): void {
    if (!Number.isFinite(value)) return; // not a JSON number: CloudWatch would drop the document
    const recorded = this.#recorded.get(name);
    if (recorded === undefined) {
      this.#recorded.set(name, { unit, values: [value] });
      return;
    }
    if (recorded.unit !== unit)
      throw new RangeError(`Metric ${name} is recorded in ${recorded.unit}, not ${unit}`);
    // Counts are summed, the value CloudWatch charts and alarms on: a batch read counting 100 items, or a
    // long-running server flushing once a second, still writes one value, and one document per flush.
    if (unit === MetricUnit.Count) {
      recorded.values[0] = (recorded.values[0] ?? 0) + value;
      return;
    }
    recorded.values.push(value);
    if (recorded.values.length === MAX_VALUES_PER_METRIC) this.publishStoredMetrics();
  }

  hasStoredMetrics(): boolean {
    return this.#recorded.size > 0;
  }

  /** Writes everything recorded since the last document as one document, and forgets it. */
  publishStoredMetrics(): void {
    if (this.#recorded.size === 0) return;
    try {
      if (!this.#disabled) this.#write(this.#writer.document(this.#now(), this.#recorded));
    } finally {
      this.#recorded.clear();
    }
  }
}
