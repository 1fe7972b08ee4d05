import { describe, expect, it } from 'vitest';
import { dbToLabClock } from '../../src/runner/db-clock.js';

describe("converting the database's clock to the lab's", () => {
  it('subtracts the offset seen at the start when both readings agree', () => {
    const toLab = dbToLabClock({ labMs: 10, dbMs: 1_700_000_000_010, errorMs: 0.1 }, { labMs: 5010, dbMs: 1_700_000_005_010, errorMs: 0.1 });
    expect(toLab(1_700_000_002_510)).toBe(2510);
  });

  it('follows a database clock that runs fast (or is slewed) by the line through both readings', () => {
    // 2 ms gained over 10 s: halfway, 1 ms of it.
    const toLab = dbToLabClock({ labMs: 0, dbMs: 1_000_000, errorMs: 0 }, { labMs: 10_000, dbMs: 1_010_002, errorMs: 0 });
    expect(toLab(1_005_001)).toBeCloseTo(5000, 6);
    expect(toLab(1_010_002)).toBeCloseTo(10_000, 6);
  });

  it('keeps the start offset when both readings were taken at the same database time', () => {
    const reading = { labMs: 3, dbMs: 500, errorMs: 0 };
    expect(dbToLabClock(reading, reading)(600)).toBe(103);
  });
});
