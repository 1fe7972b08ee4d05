import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/app/histogram.js';
import { keyChooser, keyChoiceProblem, seededRandom } from '../../src/app/key-chooser.js';

describe('the latency histogram', () => {
  it('answers mean and percentiles of what it recorded, in ms, within its precision', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i); // 1..1000 ms
    const s = h.summary();
    expect(s.count).toBe(1000);
    expect(s.meanMs).toBeCloseTo(500.5, 0);
    expect(s.p50Ms).toBeCloseTo(500, -1);
    expect(Math.abs(s.p99Ms - 990) / 990).toBeLessThan(0.001);
    expect(Math.abs(s.p999Ms - 999) / 999).toBeLessThan(0.001);
    expect(Math.abs(s.maxMs - 1000) / 1000).toBeLessThan(0.001);
  });

  it('keeps sub-millisecond latencies to the microsecond', () => {
    const h = new LatencyHistogram();
    h.record(0.25);
    h.record(0.0001); // below 1 µs counts as 1 µs
    expect(h.summary().maxMs).toBe(0.25);
    expect(h.percentileMs(0)).toBe(0.001);
  });

  it('is all zeros when empty', () => {
    expect(new LatencyHistogram().summary()).toEqual({ count: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 });
  });

  it('adds histograms and survives encoding', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 0; i < 99; i++) a.record(1);
    b.record(100);
    a.add(b);
    const decoded = LatencyHistogram.decode(a.encode());
    expect(decoded.count).toBe(100);
    expect(decoded.percentileMs(50)).toBe(1);
    expect(decoded.summary().maxMs).toBeCloseTo(100, 1);
    expect(decoded.summary().meanMs).toBeCloseTo((99 + 100) / 100, 2);
  });
});

describe('the key chooser', () => {
  it('hot-cold: reaches the hit rate on hot keys, and walks the cold keys in turn', () => {
    const next = keyChooser({ kind: 'hot-cold', prefix: 'k', hotKeys: 10, coldKeys: 100_000, hitRate: 0.9 }, seededRandom(7));
    const keys = Array.from({ length: 20_000 }, next);
    const hot = keys.filter((k) => Number(k.slice(1)) < 10);
    const cold = keys.filter((k) => Number(k.slice(1)) >= 10);
    expect(hot.length / keys.length).toBeGreaterThan(0.89);
    expect(hot.length / keys.length).toBeLessThan(0.91);
    expect(new Set(cold).size).toBe(cold.length);
    expect(cold.slice(0, 3)).toEqual(['k10', 'k11', 'k12']);
  });

  it('hot-cold with no cold keys reads hot keys only; fixed reads one key', () => {
    const hotOnly = keyChooser({ kind: 'hot-cold', prefix: 'k', hotKeys: 3, coldKeys: 0, hitRate: 0 }, seededRandom(1));
    expect(new Set(Array.from({ length: 100 }, hotOnly))).toEqual(new Set(['k0', 'k1', 'k2']));
    expect(keyChooser({ kind: 'fixed', key: 'hot' }, Math.random)()).toBe('hot');
  });

  it('names what is wrong with a key choice', () => {
    expect(keyChoiceProblem({ kind: 'hot-cold', prefix: 'k', hotKeys: 1, coldKeys: 1, hitRate: 1.5 })).toMatch(/hitRate/);
    expect(keyChoiceProblem({ kind: 'uniform', prefix: 'k', keys: 0 })).toMatch(/above 0/);
    expect(keyChoiceProblem({ kind: 'fixed', key: 'x' })).toBeUndefined();
  });
});
