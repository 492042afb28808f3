import type { MetricUnitName } from './metric-unit.js';

/** What one EMF document carries for one metric: its unit and the values recorded since the last one. */
export interface RecordedMetric {
  readonly unit: MetricUnitName;
  readonly values: readonly number[];
}

/** Members an EMF document uses itself; a metric of that name would overwrite them. */
const RESERVED_NAMES = new Set(['_aws', 'service']);

/**
 * Serializes CloudWatch embedded metric format documents for one namespace and `service` dimension:
 * `{"_aws":{"Timestamp":…,"CloudWatchMetrics":[{"Namespace":…,"Dimensions":[["service"]],"Metrics":[{"Name":…,
 * "Unit":…}]}]},"service":…,"<Name>":<value or values>}` on one line. The parts that never change, and each
 * metric's definition, are built once: a document is then a few string joins, no object graph to stringify.
 */
export class EmfDocumentWriter {
  readonly #head: string;
  readonly #tail: string;
  readonly #definitions = new Map<string, string>();

  constructor(namespace: string, serviceName: string) {
    this.#head = `,"CloudWatchMetrics":[{"Namespace":${JSON.stringify(namespace)},"Dimensions":[["service"]],"Metrics":[`;
    this.#tail = `]}]},"service":${JSON.stringify(serviceName)}`;
  }

  /** One document (with its newline) for the recorded metrics, stamped `timestampMs`. */
  document(timestampMs: number, metrics: ReadonlyMap<string, RecordedMetric>): string {
    let definitions = '';
    let values = '';
    for (const [name, metric] of metrics) {
      definitions += `${definitions === '' ? '' : ','}${this.#definition(name, metric.unit)}`;
      const [single] = metric.values;
      values += `,${JSON.stringify(name)}:${metric.values.length === 1 ? single : `[${metric.values.join(',')}]`}`;
    }
    return `{"_aws":{"Timestamp":${timestampMs}${this.#head}${definitions}${this.#tail}${values}}\n`;
  }

  #definition(name: string, unit: MetricUnitName): string {
    const key = `${unit}:${name}`;
    let definition = this.#definitions.get(key);
    if (definition === undefined) {
      if (RESERVED_NAMES.has(name)) throw new RangeError(`"${name}" is reserved in an EMF document`);
      definition = `{"Name":${JSON.stringify(name)},"Unit":"${unit}"}`;
      this.#definitions.set(key, definition);
    }
    return definition;
  }
}
