import { SourceError } from '../../core/source-error.js';

const THROTTLING_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

/** Maps an SDK (or DAX) failure onto the Source port's error, keeping the original as `cause`. */
export function toSourceError(error: unknown, operation: 'read' | 'write' = 'read'): SourceError {
  const name = error instanceof Error ? error.name : 'UnknownError';
  const code = THROTTLING_ERRORS.has(name) ? 'SOURCE_THROTTLED' : 'SOURCE_UNAVAILABLE';
  const detail = error instanceof Error ? error.message : String(error);
  return new SourceError(code, `DynamoDB ${operation} failed (${name}): ${detail}`, { cause: error });
}
