/** Wall-clock time as epoch milliseconds; a port so tests can drive time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
