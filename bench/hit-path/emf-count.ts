import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** EMF documents read from a process's stdout: how many, and each metric's total. */
export class EmfCount {
  documents = 0;
  readonly totals = new Map<string, number>();
  readonly #ended: Promise<void>;

  constructor(stream: Readable) {
    const lines = createInterface({ input: stream });
    lines.on('line', (line) => this.#add(line));
    this.#ended = new Promise((resolve) => lines.once('close', () => resolve()));
  }

  /** Resolves once the stream has ended (the process exited and its last document was read). */
  ended(): Promise<void> {
    return this.#ended;
  }

  total(name: string): number {
    return this.totals.get(name) ?? 0;
  }

  #add(line: string): void {
    if (!line.includes('"CloudWatchMetrics"')) return;
    const document = JSON.parse(line) as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> };
    };
    this.documents += 1;
    for (const { Metrics } of document._aws.CloudWatchMetrics) {
      for (const { Name } of Metrics) {
        const value = document[Name];
        const values = (Array.isArray(value) ? value : [value]) as unknown[];
        const sum = values.reduce<number>((total, v) => total + (typeof v === 'number' ? v : 0), 0);
        this.totals.set(Name, this.total(Name) + sum);
      }
    }
  }
}
