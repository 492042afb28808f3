/** The application's EMF metric names; the CloudWatch dashboard and alarms read these. */
export const METRIC = {
  cacheHits: 'CacheHits',
  cacheMisses: 'CacheMisses',
  cacheBypass: 'CacheBypass',
  cacheStoreErrors: 'CacheStoreErrors',
  sourceLoadMs: 'SourceLoadLatency',
  sourceErrors: 'SourceErrors',
  readUnits: 'DynamoDBReadUnits',
} as const;
