import type { LoadOptions, Source, SourceRecord } from '../../src/core/source.js';

/** An in-memory source that counts loads and can be made to fail, to wait for a release, or to be slow. */
export class RecordingSource<T> implements Source<T> {
  readonly items = new Map<string, SourceRecord<T>>();
  loads: string[] = [];
  /** Whether each load asked for a strongly consistent read, in order. */
  consistentReads: boolean[] = [];
  failWith: Error | undefined;
  /** Each load takes this long on the timers (vitest's fake timers drive it in engine tests). */
  delayMs = 0;
  #gate: Promise<void> | undefined;
  #openGate: (() => void) | undefined;

  put(id: string, value: T, version = 1): void {
    this.items.set(id, { value, version });
  }

  /** Holds every load until `release` is called. */
  hold(): void {
    this.#gate = new Promise((resolve) => {
      this.#openGate = resolve;
    });
  }

  release(): void {
    this.#openGate?.();
    this.#gate = undefined;
  }

  async load(id: string, options: LoadOptions): Promise<SourceRecord<T> | null> {
    this.loads.push(id);
    this.consistentReads.push(options.consistent);
    // The item is read when the load starts; the wait models the answer's way back.
    const record = this.items.get(id) ?? null;
    if (this.#gate) await this.#gate;
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failWith) throw this.failWith;
    return record;
  }
}
