import type { SourceRecord } from './source.js';

/**
 * An item served from the cache, kept as the JSON text it was stored as: `value` parses it on first
 * read, and `recordJson` hands answers the text itself, so a hit is neither parsed nor re-encoded.
 * Accessors on the prototype: a record per hit must cost next to nothing (an own accessor defined per
 * instance costs about as much as the parse it saves).
 */
export class StoredRecord<T> implements SourceRecord<T> {
  readonly #json: string;
  readonly #version: number;
  #value: T | undefined;

  constructor(json: string, version: number) {
    this.#json = json;
    this.#version = version;
  }

  get value(): T {
    this.#value ??= JSON.parse(this.#json) as T;
    return this.#value;
  }

  get version(): number {
    return this.#version;
  }

  get json(): string {
    return this.#json;
  }

  toJSON(): SourceRecord<T> {
    return { value: this.value, version: this.#version };
  }
}

/** The record's value as JSON text: as stored for a cached item, encoded now for a loaded one. */
export function recordJson<T>(record: SourceRecord<T>): string {
  return record instanceof StoredRecord ? record.json : JSON.stringify(record.value);
}
