import { build, type Histogram } from 'hdr-histogram-js';

/** Latency in microseconds, recorded from process.hrtime.bigint() spans. */
export class LatencyHistogram {
  readonly #histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });

  async time(work: () => Promise<unknown>): Promise<void> {
    const started = process.hrtime.bigint();
    await work();
    this.#histogram.recordValue(Number((process.hrtime.bigint() - started) / 1000n));
  }

  summary(): { p50Us: number; p95Us: number; p99Us: number; meanUs: number; count: number } {
    return {
      p50Us: this.#histogram.getValueAtPercentile(50),
      p95Us: this.#histogram.getValueAtPercentile(95),
      p99Us: this.#histogram.getValueAtPercentile(99),
      meanUs: Math.round(this.#histogram.mean),
      count: this.#histogram.totalCount,
    };
  }
}
