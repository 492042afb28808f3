/** The CloudWatch units Aside's metrics use (EMF `Unit`); a metric keeps one unit. */
export const MetricUnit = {
  Count: 'Count',
  Milliseconds: 'Milliseconds',
} as const;

export type MetricUnitName = (typeof MetricUnit)[keyof typeof MetricUnit];
