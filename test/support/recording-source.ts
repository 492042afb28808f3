import type { Source, SourceRecord } from '../../src/core/source.js';

/** An in-memory source that counts loads and can be made to fail or to wait. */
export class RecordingSource<T> implements Source<T> {
  readonly items = new Map<string, SourceRecord<T>>();
  loads: string[] = [];
  failWith: Error | undefined;
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

  async load(id: string): Promise<SourceRecord<T> | null> {
    this.loads.push(id);
    if (this.#gate) await this.#gate;
    if (this.failWith) throw this.failWith;
    return this.items.get(id) ?? null;
  }
}
