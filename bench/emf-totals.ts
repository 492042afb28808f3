import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Running sums of every EMF metric a server writes to stdout, one JSON document per line. */
export class EmfTotals {
  readonly #sums = new Map<string, number>();

  /** Reads EMF documents from `stream` until it ends; other lines (logs) are skipped. */
  follow(stream: Readable): void {
    createInterface({ input: stream }).on('line', (line) => this.#add(line));
  }

  snapshot(): ReadonlyMap<string, number> {
    return new Map(this.#sums);
  }

  /** What each metric added up to since `earlier`. */
  since(earlier: ReadonlyMap<string, number>): (name: string) => number {
    return (name) => (this.#sums.get(name) ?? 0) - (earlier.get(name) ?? 0);
  }

  #add(line: string): void {
    if (!line.includes('"CloudWatchMetrics"')) return;
    const document = JSON.parse(line) as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> };
    };
    for (const { Metrics } of document._aws.CloudWatchMetrics) {
      for (const { Name } of Metrics) {
        const value = document[Name];
        const values = Array.isArray(value) ? value : [value];
        const total = values.reduce((sum: number, v) => sum + (typeof v === 'number' ? v : 0), 0);
        this.#sums.set(Name, (this.#sums.get(Name) ?? 0) + total);
      }
    }
  }
}
