/** p50 and p99 of samples in microseconds (nearest rank), plus their count. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

export function summarize(samplesUs: readonly number[]): LatencySummary {
  const sorted = [...samplesUs].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { count: sorted.length, p50Us: at(0.5), p99Us: at(0.99) };
}
