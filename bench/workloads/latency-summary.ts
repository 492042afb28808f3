import { build, type Histogram } from 'hdr-histogram-js';

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
}

/** Percentiles the report's latency CDF is drawn from. */
export const CDF_PERCENTILES = [1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97.5, 99, 99.5, 99.9, 100];

/** Latencies in microseconds (HdrHistogram, 3 significant digits), summarised in milliseconds. */
export class Latencies {
  readonly #histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });

  recordMs(ms: number): void {
    this.#histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  summary(): LatencySummary {
    const at = (percentile: number) => this.#histogram.getValueAtPercentile(percentile) / 1000;
    const count = this.#histogram.totalCount;
    return {
      count,
      p50Ms: count ? at(50) : 0,
      p95Ms: count ? at(95) : 0,
      p99Ms: count ? at(99) : 0,
      meanMs: count ? this.#histogram.mean / 1000 : 0,
    };
  }

  /** [percentile, ms] pairs for a cumulative distribution chart. */
  cdf(): Array<[number, number]> {
    if (this.#histogram.totalCount === 0) return [];
    return CDF_PERCENTILES.map((p) => [p, this.#histogram.getValueAtPercentile(p) / 1000]);
  }
}
