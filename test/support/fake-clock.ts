import type { Clock } from '../../src/core/clock.js';

/** A clock that moves only when told to; sleeping moves it by the time slept, at once. */
export class FakeClock implements Clock {
  #nowMs: number;

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  advance(ms: number): void {
    this.#nowMs += ms;
  }

  async sleep(ms: number): Promise<void> {
    this.#nowMs += ms;
  }
}
