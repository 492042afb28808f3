/** The application's EMF metric names; the CloudWatch dashboard and alarms read these. */
export const METRIC = {
  cacheHits: 'CacheHits',
  cacheMisses: 'CacheMisses',
  cacheStale: 'CacheStale',
  cacheBypass: 'CacheBypass',
  negativeHits: 'NegativeCacheHits',
  leaseWaits: 'LeaseWaits',
  leaseWaitTimeouts: 'LeaseWaitTimeouts',
  earlyRefreshes: 'EarlyRefreshes',
  corruptEntries: 'CorruptCacheEntries',
  fillsLeaseLost: 'FillsLeaseLost',
  fillsSuperseded: 'FillsSuperseded',
  cacheStoreErrors: 'CacheStoreErrors',
  sourceLoadMs: 'SourceLoadLatency',
  sourceErrors: 'SourceErrors',
  readUnits: 'DynamoDBReadUnits',
} as const;
