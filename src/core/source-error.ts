export type SourceErrorCode = 'SOURCE_THROTTLED' | 'SOURCE_UNAVAILABLE';

/** What a Source rejects with when the source of truth fails; adapters keep their error as `cause`. */
export class SourceError extends Error {
  override readonly name = 'SourceError';

  constructor(
    readonly code: SourceErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
