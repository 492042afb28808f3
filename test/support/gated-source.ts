import type { LoadOptions, Source, SourceRecord } from '../../src/core/source.js';

/**
 * A real source whose answers can be held back after the read has happened: the item is read from
 * DynamoDB at once, and the caller gets it only when the test releases it. This is how a slow reader's
 * fill is made to race a write for real.
 */
export class GatedSource<T> implements Source<T> {
  readonly #inner: Source<T>;
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;
  /** Resolves when a held load has read its item. */
  #loaded: Promise<void> = Promise.resolve();
  #markLoaded: (() => void) | undefined;

  constructor(inner: Source<T>) {
    this.#inner = inner;
  }

  /** Holds the next loads' answers; `read` resolves once one of them has read from the source. */
  hold(): { read: Promise<void> } {
    this.#gate = new Promise((resolve) => {
      this.#open = resolve;
    });
    this.#loaded = new Promise((resolve) => {
      this.#markLoaded = resolve;
    });
    return { read: this.#loaded };
  }

  release(): void {
    this.#open?.();
    this.#gate = undefined;
  }

  async load(id: string, options: LoadOptions): Promise<SourceRecord<T> | null> {
    const record = await this.#inner.load(id, options);
    this.#markLoaded?.();
    if (this.#gate) await this.#gate;
    return record;
  }
}
