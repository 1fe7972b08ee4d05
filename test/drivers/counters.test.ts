import { describe, expect, it } from 'vitest';
import { copyCounters, countersSince, countPoolWait, newStoreCounters, poolWaitPercentileMs } from '../../src/drivers/counters.js';

describe('pool-wait counters', () => {
  it('class each wait by the first edge it is within; percentiles count the checkouts that did not wait as 0', () => {
    const c = newStoreCounters();
    c.checkouts = 100; // 97 of them found a connection idle
    countPoolWait(c, 3);
    countPoolWait(c, 100);
    countPoolWait(c, 140);
    expect(c.poolWaits).toBe(3);
    expect(c.poolWaitMs).toBe(243);
    expect(c.poolWaitClasses).toEqual([0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0]);
    expect(poolWaitPercentileMs(c, 97)).toBe(0);
    expect(poolWaitPercentileMs(c, 98)).toBe(5);
    expect(poolWaitPercentileMs(c, 99)).toBe(100);
    expect(poolWaitPercentileMs(c, 100)).toBe(250);
    countPoolWait(c, 5000);
    expect(c.poolWaitClasses.at(-1)).toBe(1);
    expect(poolWaitPercentileMs(c, 100)).toBe(2000);
    expect(poolWaitPercentileMs(newStoreCounters(), 99)).toBe(0);
  });

  it('a copy does not move with later counting, and differences subtract the classes too', () => {
    const c = newStoreCounters();
    countPoolWait(c, 20);
    const before = copyCounters(c);
    countPoolWait(c, 20);
    c.checkouts = 2;
    const since = countersSince(before, c);
    expect(before.poolWaitClasses[3]).toBe(1);
    expect(since.poolWaitClasses[3]).toBe(1);
    expect(since.poolWaits).toBe(1);
    expect(since.checkouts).toBe(2);
  });
});
