import { describe, expect, inject, it } from 'vitest';
import { benchCommand } from '../../src/commands/bench.js';
import { defaultPgSettings } from '../../src/drivers/postgres.js';
import { defaultRedisSettings } from '../../src/drivers/redis.js';
import type { BenchReport } from '../../src/runner/bench-result.js';

// A very short sweep on the suite's Redis and PostgreSQL (external mode, the embedded proxy).
// Structure and ordering only, never timings: with D = 100 ms and a pool of 2, 90% hits allow
// about ten times the throughput of 0%, a gap no neighbour on the machine can close.
describe('cachelab bench', () => {
  let report: BenchReport;
  const steps: string[] = [];

  it('measures each hit rate beside the model, and throughput rises with the hit rate', async () => {
    report = await benchCommand({
      strategy: 'cache-aside',
      hitRates: [0, 0.9],
      concurrency: 4,
      pool: 2,
      dbLatencyMs: 100,
      durationMs: 600,
      quick: false,
      calibrationMs: 150,
      stack: { mode: 'external', redisUrl: inject('redisUrl'), databaseUrl: inject('databaseUrl') },
      redis: defaultRedisSettings,
      pg: defaultPgSettings,
      log: () => undefined,
      progress: (done, total, label) => steps.push(`${done}/${total} ${label}`),
    });
    expect(report.points.map((p) => p.hitRate)).toEqual([0, 0.9]);
    const [cold, warm] = report.points as [BenchReport['points'][0], BenchReport['points'][0]];
    expect(warm.throughput).toBeGreaterThan(cold.throughput * 2);
    expect(warm.model.throughput).toBeGreaterThan(cold.model.throughput * 2);
    // Every read was told apart by the strategy; the cold point has no hits at all.
    expect(cold.measuredHitRate).toBe(0);
    expect(cold.hits.count).toBe(0);
    expect(warm.measuredHitRate).toBeGreaterThan(0.5);
    expect(warm.hits.count + warm.misses.count).toBe(warm.requests);
    for (const p of report.points) {
      expect(p.errors).toBe(0);
      expect(p.requests).toBeGreaterThan(0);
      expect(p.model.bound).toMatch(/^(latency|pool|cpu)$/);
      expect(typeof p.model.explanation).toBe('string');
      expect(p.timeline.reduce((n, b) => n + b.requests, 0)).toBe(p.requests);
      expect(p.dbQueriesPerSec).toBeGreaterThan(0);
    }
    // The model's inputs came from this run: D includes the 100 ms toxic, a miss costs one statement.
    expect(report.calibration.dMs).toBeGreaterThanOrEqual(100);
    expect(report.calibration.dbPerMiss).toBe(1);
    expect(report.calibration.redisPerHit).toBe(1);
    expect(report.calibration.redisPerMiss).toBe(2);
    expect(report.calibration.baselineThroughput).toBeGreaterThan(0);
    expect(report.settings).toMatchObject({ concurrency: 4, pool: 2, dbLatencyMs: 100, hitRates: [0, 0.9] });
    expect(steps.at(-1)).toMatch(/done$/);
    // --json prints this object as it is.
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('refuses a strategy it does not know, naming the valid ones', async () => {
    await expect(
      benchCommand({
        strategy: 'nope',
        hitRates: [0],
        concurrency: 1,
        pool: 1,
        dbLatencyMs: 0,
        durationMs: 100,
        quick: false,
        stack: { mode: 'external', redisUrl: inject('redisUrl'), databaseUrl: inject('databaseUrl') },
        redis: defaultRedisSettings,
        pg: defaultPgSettings,
        log: () => undefined,
        progress: () => undefined,
      }),
    ).rejects.toThrow(/unknown strategy "nope"/);
  });
});
