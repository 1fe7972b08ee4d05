import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRandom } from '../../../src/proxy/random.js';
import { slicer, sliceOffsets } from '../../../src/proxy/toxics/slicer.js';
import { StageHarness, pattern } from './harness.js';

describe('slicer toxic', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('turns 24 bytes into 24 one-byte pieces with average 1 and variation 0', () => {
    const h = new StageHarness(slicer, { average_size: 1, size_variation: 0, delay: 0 });
    h.write(pattern(24));
    expect(h.pushed.map((p) => p.data.length)).toEqual(Array(24).fill(1));
    expect(h.output().equals(pattern(24))).toBe(true);
  });

  it('cuts 480 KB at 1024 ± 512 into 240..720 pieces, content intact', () => {
    const h = new StageHarness(slicer, { average_size: 1024, size_variation: 512, delay: 0 });
    const data = pattern(480_000);
    h.write(data);
    expect(h.pushed.length).toBeGreaterThanOrEqual(240);
    expect(h.pushed.length).toBeLessThanOrEqual(720);
    expect(h.output().equals(data)).toBe(true);
  });

  it('waits delay µs after each piece', () => {
    const h = new StageHarness(slicer, { average_size: 10, size_variation: 0, delay: 5000 });
    const start = Date.now();
    h.write(pattern(40));
    h.write(pattern(10));
    vi.advanceTimersByTime(100);
    expect(h.pushed.map((p) => p.at - start)).toEqual([0, 5, 10, 15, 20]);
  });

  it('always terminates inside the valid range', () => {
    const random = createRandom(7);
    for (const [average, variation] of [
      [1, 0],
      [2, 1],
      [5, 4],
      [100, 99],
      [3, 2],
      [5, 5],
      [5, 6],
      [100, 101],
      [1, 2],
    ] as const) {
      for (const length of [1, 2, 3, 7, 100, 4096]) {
        const ends = sliceOffsets(length, { average_size: average, size_variation: variation, delay: 0 }, random);
        expect(ends.at(-1)).toBe(length);
        expect(ends.every((end, i) => end > (ends[i - 1] ?? 0))).toBe(true);
      }
    }
  });

  it('refuses settings on which the real server recurses forever or panics', () => {
    expect(slicer.validate?.({ average_size: 10, size_variation: 12, delay: 0 })).toMatch(/at most average_size \+ 1 \(11\)/);
    expect(slicer.validate?.({ average_size: 10, size_variation: 20, delay: 0 })).toMatch(/at most average_size \+ 1/);
    // What the real server accepts and survives, as the peer client's own tests send it.
    expect(slicer.validate?.({ average_size: 10, size_variation: 11, delay: 0 })).toBeUndefined();
    expect(slicer.validate?.({ average_size: 10, size_variation: 10, delay: 0 })).toBeUndefined();
    expect(slicer.validate?.({ average_size: 10, size_variation: 9, delay: 0 })).toBeUndefined();
    expect(slicer.attributes['average_size']?.min).toBe(1);
  });
});
