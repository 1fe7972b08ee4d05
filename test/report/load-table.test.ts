import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { renderLoadSection } from '../../src/report/html-load.js';
import { describeLoad, renderLoad } from '../../src/report/load-table.js';
import type { LoadResult } from '../../src/runner/load-run.js';
import type { TimelineEntry } from '../../src/runner/result.js';

const bucket = (i: number, db: number, errors = 0) => ({
  startMs: i * 1000, requests: 500, errors, hits: 450, misses: 50, p99Ms: 40, dbQueries: db, redisCommands: 550, poolWaits: 0, poolWaitP99Ms: i === 3 ? 250 : 0,
});
const load: LoadResult = {
  spec: { concurrency: 40, thinkMs: 60, durationMs: 5000, bucketMs: 1000, dbLatencyMs: 20, deadlineMs: 500, keys: { kind: 'fixed', key: 'k' } },
  apps: 1,
  bucketMs: 1000,
  startedAt: 2000,
  elapsedMs: 5000,
  counts: { requests: 2500, ok: 2460, fail: 0, unknown: 0, late: 40, hits: 2250, misses: 250 },
  throughput: 500,
  latency: { all: { count: 2500, meanMs: 5, p50Ms: 2, p90Ms: 20, p99Ms: 41.5, p999Ms: 600, maxMs: 700 }, hits: { count: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 }, misses: { count: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 } },
  stores: { dbQueries: 400, redisCommands: 2700, poolWaits: 30 },
  poolWaitP99Ms: 250,
  buckets: [bucket(0, 50), bucket(1, 50), bucket(2, 50), bucket(3, 160), bucket(4, 10, 40)],
  errors: ['answered after the deadline of 500 ms'],
};
const timeline: TimelineEntry[] = [
  { at: 5100, event: 'redis link down (proxy disabled)', window: { id: 1, edge: 'start', kind: 'network' } },
  { at: 6050, event: 'redis link up', window: { id: 1, edge: 'end', kind: 'network' } },
];

describe('a load in the reports', () => {
  it('the terminal shows a row per bucket, rates per second, and each fault in the bucket it came in', () => {
    const text = renderLoad(load, timeline, new Chalk({ level: 0 }));
    expect(describeLoad(load)).toBe('1 app x 40 clients (60 ms think), database 20 ms a query, deadline 500 ms; 500 req/s, p99 41.5 ms, 2500 requests, 40 errors, 400 database queries');
    const rows = text.split('\n').filter((line) => /^│ \d/.test(line));
    expect(rows).toHaveLength(5);
    expect(rows[3]).toMatch(/│ 3\.00 +│ 500 +│ 0 +│ 40 +│ 160 +│ <= 250 ms +│ redis link down +│/);
    expect(rows[4]).toMatch(/│ 4\.00 +│ 500 +│ 8\.0% +│ 40 +│ 10 +│ 0 +│ redis link up +│/);
  });

  it('the HTML shows a bar per bucket (red where requests failed), the request line, and the fault buckets shaded', () => {
    const html = renderLoadSection({ timeline, load } as Parameters<typeof renderLoadSection>[0]);
    expect(html.match(/<rect class="load-db[ "]/g)).toHaveLength(5);
    expect(html.match(/<rect class="load-db errors"/g)).toHaveLength(1);
    expect(html.match(/<rect class="load-fault"/g)).toHaveLength(2);
    expect(html).toContain('<polyline class="load-req"');
    expect(html.match(/<tr><td class="num">/g)).toHaveLength(5);
  });
});
