import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/app/histogram.js';
import type { LoadBucket, LoadReport } from '../../src/app/load-spec.js';
import { countPoolWait, newStoreCounters } from '../../src/drivers/counters.js';
import { judgeLoad, mergeReports } from '../../src/runner/load-run.js';
import type { TimelineEntry } from '../../src/runner/result.js';

function bucket(i: number, requests: number, dbQueries: number, waits: number[] = [], p99Ms = 10): LoadBucket {
  const stores = newStoreCounters();
  stores.dbStatements = dbQueries;
  stores.checkouts = dbQueries;
  for (const ms of waits) countPoolWait(stores, ms);
  return { startMs: i * 1000, requests, errors: 0, hits: requests - dbQueries, misses: dbQueries, meanMs: 5, p99Ms, stores };
}

function report(buckets: LoadBucket[], latencies: number[]): LoadReport {
  const h = new LatencyHistogram();
  for (const ms of latencies) h.record(ms);
  const requests = buckets.reduce((n, b) => n + b.requests, 0);
  const stores = newStoreCounters();
  stores.dbStatements = buckets.reduce((n, b) => n + b.stores.dbStatements, 0);
  return {
    spec: { concurrency: 1, durationMs: 1000 * buckets.length, op: 'read', keys: { kind: 'fixed', key: 'k' } },
    elapsedMs: 1000 * buckets.length,
    warmedKeys: 0,
    counts: { requests, ok: requests, fail: 0, unknown: 0, late: 0, hits: 0, misses: 0 },
    throughput: requests / buckets.length,
    latency: { all: h.summary(), hits: h.summary(), misses: h.summary() },
    histograms: { all: h.encode(), hits: h.encode(), misses: h.encode() },
    stores,
    timeline: buckets,
    errors: [],
  };
}

const spec = { concurrency: 1, durationMs: 3000, bucketMs: 1000, keys: { kind: 'fixed', key: 'k' } as const };

describe('a load of several apps', () => {
  it('adds the apps up bucket by bucket, keeps the slowest p99, and takes pool waits over every checkout after the warm-up', () => {
    const a = report([bucket(0, 100, 10, [300, 300]), bucket(1, 100, 10, [], 20), bucket(2, 100, 50, [150])], [1, 2, 3]);
    const b = report([bucket(0, 50, 5), bucket(1, 50, 5, [], 40), bucket(2, 50, 50)], [4]);
    const merged = mergeReports(spec, [a, b], 1234);
    expect(merged.apps).toBe(2);
    expect(merged.startedAt).toBe(1234);
    expect(merged.counts.requests).toBe(450);
    expect(merged.throughput).toBe(150);
    expect(merged.latency.all.count).toBe(4);
    expect(merged.buckets.map((x) => [x.requests, x.dbQueries, x.p99Ms])).toEqual([[150, 15, 10], [150, 15, 40], [150, 100, 10]]);
    // 115 checkouts after the first bucket, one waited 150 ms: p99 is 0; the warm-up's 300 ms waits do not count.
    expect(merged.poolWaitP99Ms).toBe(0);
    expect(merged.buckets[2]?.poolWaitP99Ms).toBe(0);
    expect(merged.buckets[0]?.poolWaitP99Ms).toBe(500);
    expect(mergeReports(spec, [report([bucket(0, 10, 1), bucket(1, 10, 10, [150, 150])], [1])], 0).poolWaitP99Ms).toBe(250);
  });

  it('judges the budget from the first fault window that opens after the load started', () => {
    const merged = mergeReports(spec, [report([bucket(0, 100, 10), bucket(1, 100, 10), bucket(2, 100, 10), bucket(3, 100, 40)], [1])], 500);
    const timeline: TimelineEntry[] = [
      { at: 100, event: 'before the load', window: { id: 1, edge: 'start', kind: 'network' } },
      { at: 3500, event: 'redis link down', window: { id: 2, edge: 'start', kind: 'network' } },
    ];
    const judged = judgeLoad({ dbPeakRatio: 2, poolWaitP99Ms: 100, errorRate: 0.01 }, merged, timeline, 0);
    expect(typeof judged !== 'string' && judged.verdict).toBe('inconsistent');
    expect(typeof judged !== 'string' && judged.figures.steadyDbPerSec).toBe(10);
    expect(judgeLoad({ dbPeakRatio: 2, poolWaitP99Ms: 100, errorRate: 0.01 }, merged, timeline.slice(0, 1), 0)).toMatch(/no fault came during the load/);
    expect(judgeLoad({ dbPeakRatio: 2, poolWaitP99Ms: 100, errorRate: 0.01 }, undefined, timeline, 0)).toMatch(/ran no load/);
  });
});
