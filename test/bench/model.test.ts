import { describe, expect, it } from 'vitest';
import { littlesRatio, predict, relativeError, type ModelInputs } from '../../src/bench/model.js';

// The seed's parameters: 10 clients, a pool of 10, D = 50 ms, a hit of ~0 ms, no CPU limit in reach.
const seed: ModelInputs = { hMs: 0, dMs: 50, missRate: 1, concurrency: 10, pool: 10, cpuLimit: 1e9, redisPerHit: 1, redisPerMiss: 2, dbPerMiss: 1 };

describe('the bench model', () => {
  it('is latency-bound at concurrency 10, pool 10: C / (h + m·D)', () => {
    const at = (missRate: number) => predict({ ...seed, missRate });
    expect(at(1).throughput).toBeCloseTo(200, 6);
    expect(at(1).meanMs).toBeCloseTo(50, 6);
    expect(at(0.5).throughput).toBeCloseTo(400, 6);
    expect(at(0.1).throughput).toBeCloseTo(2000, 6);
    expect(at(0.01).throughput).toBeCloseTo(20_000, 6);
    // C = P: the two bounds meet; a tie is latency-bound.
    expect(at(0.5).bound).toBe('latency');
  });

  it("fits the seed's table (50 ms / 200, 26 / 380, 6 / 1600, 1.5 / 6400 req/s) with C = 10 and h of about 1.1 ms", () => {
    const seedTable = [
      { hitRate: 0, meanMs: 50, throughput: 200 },
      { hitRate: 0.5, meanMs: 26, throughput: 380 },
      { hitRate: 0.9, meanMs: 6, throughput: 1600 },
      { hitRate: 0.99, meanMs: 1.5, throughput: 6400 },
    ];
    for (const row of seedTable) {
      const p = predict({ ...seed, hMs: 1.1, missRate: 1 - row.hitRate });
      expect(Math.abs(relativeError(row.throughput, p.throughput))).toBeLessThan(0.1);
      expect(Math.abs(relativeError(row.meanMs, p.meanMs))).toBeLessThan(0.1);
    }
    // At concurrency 100 the same figures would need 10x the latency (Little's law): they do not fit.
    expect(littlesRatio(200, 50, 100)).toBeCloseTo(0.1, 9);
  });

  it('is pool-bound when clients outnumber connections, with Little\'s law giving the latency', () => {
    const p = predict({ ...seed, concurrency: 100, missRate: 0.5, hMs: 0.2 });
    expect(p.bound).toBe('pool');
    expect(p.throughput).toBeCloseTo(10 / 25 * 1000, 6); // 400/s
    expect(p.meanMs).toBeCloseTo(100 / 400 * 1000, 6); // 250 ms
    expect(p.bounds.latency).toBeCloseTo(100 / 25.2 * 1000, 6);
    expect(littlesRatio(p.throughput, p.meanMs, 100)).toBeCloseTo(1, 9);
  });

  it('is CPU-bound when the measured limit is the lowest, and has no pool bound without misses', () => {
    const p = predict({ ...seed, missRate: 0, hMs: 0.25, cpuLimit: 8000 });
    expect(p.bounds.pool).toBeNull();
    expect(p.bounds.latency).toBeCloseTo(40_000, 6);
    expect(p.bound).toBe('cpu');
    expect(p.throughput).toBe(8000);
    expect(p.meanMs).toBeCloseTo(10 / 8000 * 1000, 9);
  });

  it('predicts the store load from the commands each kind of request costs', () => {
    const p = predict({ ...seed, missRate: 0.25, hMs: 1, dMs: 10 }); // latency: 10 / 3.5 ms
    expect(p.dbQueriesPerSec).toBeCloseTo(p.throughput * 0.25, 9);
    expect(p.redisCommandsPerSec).toBeCloseTo(p.throughput * (0.75 * 1 + 0.25 * 2), 9);
  });

  it('measures how far a figure is from the model', () => {
    expect(relativeError(110, 100)).toBeCloseTo(0.1, 9);
    expect(relativeError(90, 100)).toBeCloseTo(-0.1, 9);
    expect(relativeError(5, 0)).toBe(0);
    expect(littlesRatio(200, 45, 10)).toBeCloseTo(0.9, 9);
  });
});
