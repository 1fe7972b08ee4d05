import { describe, expect, it } from 'vitest';
import { Reservoir } from '../../src/commands/reservoir.js';

/** A seeded PRNG (mulberry32), so the draws below are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Reservoir', () => {
  it('keeps every item while fewer than its size were offered', () => {
    const r = new Reservoir<number>(5);
    [1, 2, 3].forEach((n) => r.offer(n));
    expect([...r.items()]).toEqual([1, 2, 3]);
    expect(r.seen).toBe(3);
  });

  it('holds exactly its size of distinct offered items from a longer stream', () => {
    const r = new Reservoir<number>(10, seeded(1));
    for (let n = 0; n < 10_000; n++) r.offer(n);
    expect(new Set(r.items()).size).toBe(10);
    expect(r.seen).toBe(10_000);
  });

  it('gives every item the same chance, early or late in the stream', () => {
    const random = seeded(42);
    const kept = new Array<number>(20).fill(0);
    const trials = 20_000;
    for (let t = 0; t < trials; t++) {
      const r = new Reservoir<number>(5, random);
      for (let n = 0; n < 20; n++) r.offer(n);
      for (const n of r.items()) kept[n] = (kept[n] ?? 0) + 1;
    }
    // Each of the 20 is kept with probability 5/20: 5000 of 20000, binomial sd ~61.
    for (const count of kept) expect(Math.abs(count - trials / 4)).toBeLessThan(300);
  });

  it('refuses a size below 1', () => {
    expect(() => new Reservoir(0)).toThrow(/at least 1/);
  });
});
