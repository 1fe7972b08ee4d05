import { describe, expect, it } from 'vitest';
import { figure } from '../../src/report/bench-chart.js';
import { renderBench } from '../../src/report/bench.js';
import type { BenchPoint, BenchReport } from '../../src/runner/bench-result.js';

const latency = { count: 10, meanMs: 1, p50Ms: 1, p90Ms: 1, p99Ms: 2, p999Ms: 3, maxMs: 3 };

function point(hitRate: number, throughput: number, modelThroughput: number, bound: 'latency' | 'pool' | 'cpu'): BenchPoint {
  return {
    hitRate,
    measuredHitRate: hitRate,
    dMs: 50.5,
    requests: 100,
    errors: 0,
    throughput,
    meanMs: 10_000 / throughput,
    p50Ms: 1,
    p99Ms: 2,
    p999Ms: 3,
    hits: latency,
    misses: latency,
    dbQueriesPerSec: 1,
    redisCommandsPerSec: 1,
    poolWaits: 0,
    poolWaitMeanMs: 0,
    littlesRatio: 0.99,
    model: {
      throughput: modelThroughput,
      meanMs: 10_000 / modelThroughput,
      bound,
      bounds: { latency: modelThroughput, pool: null, cpu: 9000 },
      dbQueriesPerSec: 1,
      redisCommandsPerSec: 1,
      throughputError: throughput / modelThroughput - 1,
      meanError: modelThroughput / throughput - 1,
      explanation: `${bound}-bound: because`,
    },
    cpuBound: bound === 'cpu',
    timeline: [],
  };
}

const report = (concurrency: number): BenchReport => ({
  runId: 'abcd',
  stack: { mode: 'local', redis: 'redis://x', postgres: 'postgres://x', toxiproxy: 'http://x' },
  settings: { strategy: 'cache-aside', hitRates: [0, 0.99], concurrency, pool: 10, dbLatencyMs: 50, durationMs: 10_000, quick: false, calibrationMs: 1000, hotKeys: 1000, coldKeys: 10_000 },
  calibration: { hMs: 0.2, dMs: 50.5, cpuLimit: 9000, cpuLimitConcurrency: 50, hitPathThroughput: 9000, baselineThroughput: 10_000, baselineRatio: 0.9, redisPerHit: 1, redisPerMiss: 2, dbPerMiss: 1 },
  points: [point(0, 190, 198, 'latency'), point(0.99, 8000, 9000, 'cpu')],
  durationMs: 60_000,
});

describe('the bench report', () => {
  it('sets every figure beside the model, flags a CPU-bound point and leaves it out of the 10% target', () => {
    const text = renderBench(report(100), { color: false });
    expect(text.includes('\u001b[')).toBe(false);
    expect(text).toContain('cpu *');
    expect(text).toContain('CPU-bound: this point measures the machine');
    expect(text).toContain('within 10% of the model (throughput and mean): 1 of 1 points (1 CPU-bound, flagged, not judged)');
    expect(text).toContain('0.90x');
    expect(text).toContain('Run with --concurrency 10 --pool 10');
    expect(text).toContain('Throughput against hit rate');
  });

  it("puts the seed's table beside the measured figures at concurrency 10", () => {
    const text = renderBench(report(10), { color: false });
    expect(text).toMatch(/0%\s+50 ms \/ 200\s+52\.6 ms \/ 190\s+50\.5 ms \/ 198/);
    expect(text).toMatch(/50%\s+26 ms \/ 380\s+not run/);
  });

  it('writes figures to three significant digits', () => {
    expect(figure(1234.5)).toBe('1,230');
    expect(figure(0.23456)).toBe('0.235');
    expect(figure(52.63)).toBe('52.6');
  });
});
