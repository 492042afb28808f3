import { describe, expect, it } from 'vitest';
import { findAnomalies, type Operation } from '../support/history-checker.js';

const write = (version: number, start: number, end: number): Operation => ({
  kind: 'write',
  key: 'k',
  version,
  start,
  end,
});
const read = (version: number | null, start: number, end: number, strict = true): Operation => ({
  kind: 'read',
  key: 'k',
  version,
  strict,
  start,
  end,
});
const remove = (version: number | null, start: number, end: number, acknowledged = true): Operation => ({
  kind: 'delete',
  key: 'k',
  version,
  acknowledged,
  start,
  end,
});

describe('findAnomalies (the checker must be able to fail)', () => {
  it('accepts reads of the acknowledged version or newer, and reads concurrent with the write', () => {
    expect(
      findAnomalies([write(1, 0, 10), read(1, 11, 12), write(2, 20, 30), read(1, 25, 26), read(2, 31, 32)]),
    ).toEqual([]);
  });

  it('flags a read that went back to an older version after a write was acknowledged', () => {
    const stale = read(1, 31, 32);
    expect(findAnomalies([write(1, 0, 10), write(2, 20, 30), stale])).toEqual([
      { read: stale, after: write(2, 20, 30) },
    ]);
  });

  it('flags a deleted item read back, accepts "not found" and a re-created newer version', () => {
    const resurrected = read(3, 21, 22);
    expect(
      findAnomalies([
        write(3, 0, 10),
        remove(3, 15, 20),
        resurrected,
        read(null, 23, 24),
        write(4, 30, 40),
        read(4, 41, 42),
      ]),
    ).toEqual([{ read: resurrected, after: remove(3, 15, 20) }]);
  });

  it('flags "not found" after a write unless a delete of that version was under way', () => {
    const lost = read(null, 11, 12);
    expect(findAnomalies([write(2, 0, 10), lost])).toHaveLength(1);
    expect(findAnomalies([write(2, 0, 10), remove(2, 11, 50, false), read(null, 12, 13)])).toEqual([]);
  });

  it('does not check reads marked as not strict (Redis unhealthy)', () => {
    expect(findAnomalies([write(1, 0, 10), write(2, 20, 30), read(1, 31, 32, false)])).toEqual([]);
  });
});
