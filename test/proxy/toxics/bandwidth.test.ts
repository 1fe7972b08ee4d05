import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bandwidth } from '../../../src/proxy/toxics/bandwidth.js';
import { StageHarness, pattern } from './harness.js';

describe('bandwidth toxic', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('moves 480 KB in 480 ms at rate 1000 (KB/s, 1 KB = 1000 bytes)', () => {
    const h = new StageHarness(bandwidth, { rate: 1000 });
    const data = pattern(480_000);
    const start = Date.now();
    for (let offset = 0; offset < data.length; offset += 32_768) h.write(data.subarray(offset, offset + 32_768));
    vi.advanceTimersByTime(239);
    const halfway = h.output().length;
    expect(halfway).toBeGreaterThan(200_000);
    expect(halfway).toBeLessThan(240_000);
    vi.advanceTimersByTime(1000);
    expect(h.output().equals(data)).toBe(true);
    expect(h.pushed.at(-1)!.at - start).toBeGreaterThanOrEqual(479);
    expect(h.pushed.at(-1)!.at - start).toBeLessThanOrEqual(481);
  });

  it('sends a chunk larger than 100 ms worth in 100 ms pieces', () => {
    const h = new StageHarness(bandwidth, { rate: 1 });
    const start = Date.now();
    h.write(pattern(250));
    vi.advanceTimersByTime(1000);
    expect(h.pushed.map((p) => [p.data.length, p.at - start])).toEqual([
      [100, 100],
      [100, 200],
      [50, 250],
    ]);
  });

  it('does not make chunks wait for time the link spent idle', () => {
    const h = new StageHarness(bandwidth, { rate: 10 });
    h.write(pattern(10));
    vi.advanceTimersByTime(5000);
    const start = Date.now();
    h.write(pattern(10));
    vi.advanceTimersByTime(1);
    expect(h.pushed.at(-1)!.at - start).toBe(1);
  });

  it('closes after the queue on end-of-stream, and passes everything on at once when flushed', () => {
    const ended = new StageHarness(bandwidth, { rate: 1 });
    ended.write(pattern(150));
    ended.stage.end();
    vi.advanceTimersByTime(149);
    expect(ended.closedAt).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(ended.closedAt).toBeDefined();
    const flushed = new StageHarness(bandwidth, { rate: 1 });
    flushed.write(pattern(500));
    expect(flushed.stage.pendingBytes?.()).toBe(500);
    flushed.stage.flush();
    expect(flushed.output().equals(pattern(500))).toBe(true);
  });
});
