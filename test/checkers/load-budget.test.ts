import { describe, expect, it } from 'vitest';
import { judgeBudget, type BudgetBucket } from '../../src/checkers/load-budget.js';

const BUCKET = 250;

/** Buckets of 100 requests, `db` queries each (one number per bucket), no errors or waits unless given. */
function timeline(db: number[], extra: Partial<Record<number, Partial<BudgetBucket>>> = {}): BudgetBucket[] {
  return db.map((dbQueries, i) => ({ startMs: i * BUCKET, requests: 100, errors: 0, dbQueries, poolWaitP99Ms: 0, ...extra[i] }));
}

describe('load budget', () => {
  it('within budget: the peak at 2x the steady state, no waits, no errors', () => {
    const result = judgeBudget({ bucketMs: BUCKET, buckets: timeline([50, 10, 10, 10, 20, 15, 10]), faultAtMs: 1000, poolWaitP99Ms: 0 });
    expect(result.verdict).toBe('consistent');
    expect(result.figures).toMatchObject({ steadyDbPerSec: 40, peakDbPerSec: 80, dbPeakRatio: 2 });
    expect(result.findings[0]).toMatch(/^within budget: database peak 2x steady/);
  });

  it('the warm-up bucket is not the steady state, and buckets before the fault are not the peak', () => {
    const result = judgeBudget({ bucketMs: BUCKET, buckets: timeline([90, 10, 10, 10, 10]), faultAtMs: 1000, poolWaitP99Ms: 0 });
    expect(result.figures).toMatchObject({ steadyDbPerSec: 40, peakDbPerSec: 40 });
  });

  it('over 2x: inconsistent, the finding names the limit, the peak, its time and the steady state', () => {
    const result = judgeBudget({ bucketMs: BUCKET, buckets: timeline([10, 10, 10, 10, 10, 60, 10]), faultAtMs: 1000, poolWaitP99Ms: 0 });
    expect(result.verdict).toBe('inconsistent');
    expect(result.summary).toBe('over budget: db 6x steady');
    expect(result.findings).toEqual([
      'database load peaked at 240 queries/s (1.25-1.5 s), 6x the steady 40/s: over the budget of 2x',
    ]);
  });

  it('a steady state without queries counts as one query per bucket', () => {
    expect(judgeBudget({ bucketMs: BUCKET, buckets: timeline([0, 0, 0, 0, 2, 0]), faultAtMs: 1000, poolWaitP99Ms: 0 }).verdict).toBe('consistent');
    const over = judgeBudget({ bucketMs: BUCKET, buckets: timeline([0, 0, 0, 0, 3, 0]), faultAtMs: 1000, poolWaitP99Ms: 0 });
    expect(over.verdict).toBe('inconsistent');
    expect(over.figures.dbPeakRatio).toBe(3);
  });

  it('errors are judged per bucket: 2 of 10 in one slow bucket break 1% though the run\'s total is lower', () => {
    const result = judgeBudget({
      bucketMs: BUCKET,
      buckets: timeline([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10], { 5: { requests: 10, errors: 2 } }),
      faultAtMs: 1000,
      poolWaitP99Ms: 0,
    });
    expect(result.verdict).toBe('inconsistent');
    expect((result.figures.errors ?? 0) / (result.figures.requests ?? 1)).toBeLessThan(0.01);
    expect(result.findings).toEqual(['2 of 10 requests failed (20%, 1.25-1.5 s): over the budget of 1%']);
  });

  it('pool waits over 100 ms at p99 over the load break the budget; the finding names the worst bucket', () => {
    const buckets = timeline([10, 10, 10, 10, 10, 10], { 5: { poolWaitP99Ms: 250 } });
    const result = judgeBudget({ bucketMs: BUCKET, buckets, faultAtMs: 1000, poolWaitP99Ms: 140 });
    expect(result.verdict).toBe('inconsistent');
    expect(result.summary).toBe('over budget: pool wait p99 140 ms');
    expect(result.findings).toEqual(['pool waits reached p99 140 ms over the load (the worst bucket 1.25-1.5 s, p99 250 ms): over the budget of 100 ms']);
    // One slow checkout makes a bucket's p99; the load's is what is judged.
    expect(judgeBudget({ bucketMs: BUCKET, buckets, faultAtMs: 1000, poolWaitP99Ms: 100 }).verdict).toBe('consistent');
  });

  it('the first bucket (the warm-up, connections opening) is judged by no limit', () => {
    const result = judgeBudget({ bucketMs: BUCKET, buckets: timeline([10, 10, 10, 10, 10, 10], { 0: { poolWaitP99Ms: 250, errors: 50 } }), faultAtMs: 1000, poolWaitP99Ms: 0 });
    expect(result.findings[0]).toMatch(/pool wait p99 0 ms/);
    expect(result.verdict).toBe('consistent');
  });

  it('names every limit that broke', () => {
    const result = judgeBudget({
      bucketMs: BUCKET,
      buckets: timeline([10, 10, 10, 10, 100, 10], { 4: { poolWaitP99Ms: 500, errors: 5 } }),
      faultAtMs: 1000,
      poolWaitP99Ms: 300,
    });
    expect(result.summary).toBe('over budget: db 10x steady, pool wait p99 300 ms, 5% errors');
    expect(result.findings).toHaveLength(3);
  });

  it('queries per expiry: at most the budget (the number of apps, or 1 with leases)', () => {
    const input = { bucketMs: BUCKET, buckets: timeline([10, 10, 10, 10, 10, 10]), faultAtMs: 1000, poolWaitP99Ms: 0 };
    const single = judgeBudget({ ...input, expiries: { count: 3, dbQueries: 6 } }, { dbPeakRatio: 2, poolWaitP99Ms: 100, errorRate: 0.01, queriesPerExpiry: 2 });
    expect(single.verdict).toBe('consistent');
    expect(single.figures.queriesPerExpiry).toBe(2);
    const naive = judgeBudget({ ...input, expiries: { count: 3, dbQueries: 58 } }, { dbPeakRatio: 2, poolWaitP99Ms: 100, errorRate: 0.01, queriesPerExpiry: 2 });
    expect(naive.verdict).toBe('inconsistent');
    expect(naive.findings).toEqual(["the hot key's 3 expiries cost 58 database queries, 19.3 per expiry: over the budget of 2"]);
  });

  it('unknown when the load was too short to have a steady state or an after', () => {
    expect(judgeBudget({ bucketMs: BUCKET, buckets: timeline([10, 10]), faultAtMs: 250, poolWaitP99Ms: 0 }).verdict).toBe('unknown');
    expect(judgeBudget({ bucketMs: BUCKET, buckets: timeline([10, 10, 10]), faultAtMs: 5000, poolWaitP99Ms: 0 }).verdict).toBe('unknown');
  });
});
