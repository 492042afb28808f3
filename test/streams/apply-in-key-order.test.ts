import { describe, expect, it } from 'vitest';
import { applyInKeyOrder, type KeyedStep } from '../../src/streams/apply-in-key-order.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Steps that log when they start and finish, and fail when their position is in `failing`. */
function batch(keys: readonly string[], failing: readonly number[] = []) {
  const log: string[] = [];
  let running = 0;
  let mostRunning = 0;
  const steps: KeyedStep[] = keys.map((key, position) => ({
    key,
    position,
    run: async () => {
      running++;
      mostRunning = Math.max(mostRunning, running);
      log.push(`start ${position}`);
      // Later positions finish sooner, so only the scheduler can keep one key's steps in order.
      for (let wait = keys.length - position; wait > 0; wait--) await tick();
      running--;
      log.push(`end ${position}`);
      if (failing.includes(position)) throw new Error(`step ${position} failed`);
    },
  }));
  return { steps, log, mostRunning: () => mostRunning };
}

const started = (log: readonly string[]) =>
  log.filter((line) => line.startsWith('start')).map((line) => Number(line.slice(6)));

describe('applyInKeyOrder', () => {
  it('runs the steps of one key one after another, in batch order', async () => {
    const { steps, log } = batch(['a', 'b', 'a', 'b', 'a']);
    expect(await applyInKeyOrder(steps, 8, () => undefined)).toBeUndefined();
    const ofA = log.filter((line) => / [024]$/.test(line));
    expect(ofA).toEqual(['start 0', 'end 0', 'start 2', 'end 2', 'start 4', 'end 4']);
  });

  it('runs different keys concurrently, never more than the bound', async () => {
    const wide = batch(['a', 'b', 'c', 'd', 'e', 'f']);
    await applyInKeyOrder(wide.steps, 3, () => undefined);
    expect(wide.mostRunning()).toBe(3);
    const narrow = batch(['a', 'b', 'c']);
    await applyInKeyOrder(narrow.steps, 1, () => undefined);
    expect(narrow.mostRunning()).toBe(1);
    expect(started(narrow.log)).toEqual([0, 1, 2]);
  });

  it('stops a key at its failure: its later steps wait for the retry', async () => {
    const { steps, log } = batch(['a', 'b', 'a', 'b', 'c'], [0]);
    const failures: number[] = [];
    const earliest = await applyInKeyOrder(steps, 8, (step) => failures.push(step.position));
    expect(earliest).toBe(0);
    expect(failures).toEqual([0]);
    expect(started(log)).not.toContain(2);
  });

  it('resolves with the earliest failed position, whichever failure came first', async () => {
    // Position 3 fails first (it finishes sooner), then position 1.
    const { steps } = batch(['a', 'b', 'c', 'd'], [1, 3]);
    const failures: number[] = [];
    expect(await applyInKeyOrder(steps, 8, (step) => failures.push(step.position))).toBe(1);
    expect(failures).toEqual([3, 1]);
  });

  it('starts no step after the earliest failure: the batch is retried from there anyway', async () => {
    const { steps, log } = batch(['a', 'b', 'c', 'd', 'e'], [0]);
    expect(await applyInKeyOrder(steps, 1, () => undefined)).toBe(0);
    expect(started(log)).toEqual([0]);
  });

  it('keeps running steps before the failure of other keys', async () => {
    const { steps, log } = batch(['a', 'b', 'a', 'b', 'b'], [2]);
    expect(await applyInKeyOrder(steps, 1, () => undefined)).toBe(2);
    // Key a ran 0 then failed at 2; key b then ran 1 (before the failure) and stopped before 3.
    expect(started(log)).toEqual([0, 2, 1]);
  });

  it('does nothing for an empty batch', async () => {
    expect(await applyInKeyOrder([], 4, () => undefined)).toBeUndefined();
  });
});
