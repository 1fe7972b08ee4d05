import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { LatencyHistogram } from '../../src/app/histogram.js';
import type { LoadReport } from '../../src/app/load-spec.js';
import { defaultPgSettings } from '../../src/drivers/postgres.js';
import { defaultRedisSettings } from '../../src/drivers/redis.js';
import { must } from '../../src/drivers/result.js';
import { AppProcess } from '../../src/runner/app-process.js';
import { LabStores } from '../../src/runner/stores.js';
import type { Stack } from '../../src/stack/contract.js';
import { startStack } from '../../src/stack/stack.js';

// The load generator inside a real app process (cache-aside), on the suite's Redis and PostgreSQL
// through the fault proxy. Counts are checked exactly against what the strategy did; no timings.
describe('the app-side load generator', () => {
  let stack: Stack;
  let stores: LabStores;
  let app: AppProcess;
  const HOT = 5;
  const COLD = 5000;

  beforeAll(async () => {
    stack = await startStack({ mode: 'external', redisUrl: inject('redisUrl'), databaseUrl: inject('databaseUrl') });
    stores = new LabStores(stack.redisUrl, stack.databaseUrl, stack.keyPrefix, stack.schema);
    await stores.reset({ records: {}, cached: [] }, 0);
    must(await stores.db.query('INSERT INTO records (key, value) SELECT $1 || i, i FROM generate_series(0, $2::int - 1) AS i', ['k', HOT + COLD]), 'seed');
    app = await AppProcess.start(
      {
        strategy: 'cache-aside',
        redisUrl: stack.appRedisUrl,
        databaseUrl: stack.appDatabaseUrl,
        schema: stack.schema,
        keyPrefix: stack.keyPrefix,
        cacheTtlMs: 60_000,
        redis: defaultRedisSettings,
        pg: defaultPgSettings,
      },
      { onHit: () => Promise.resolve() },
    );
  });
  afterAll(async () => {
    await app?.kill();
    await stores?.close();
    await stack?.stop();
  });

  const total = (report: LoadReport, field: 'requests' | 'hits' | 'misses'): number => report.timeline.reduce((sum, b) => sum + b[field], 0);

  it('reads through the strategy, telling hits from misses by what it did, and counts what the stores saw', async () => {
    const report = await app.load({
      concurrency: 4,
      durationMs: 400,
      op: 'read',
      keys: { kind: 'hot-cold', prefix: 'k', hotKeys: HOT, coldKeys: COLD, hitRate: 0.5 },
      warmHotKeys: true,
      bucketMs: 100,
    });
    const { counts, stores: seen } = report;
    expect(report.warmedKeys).toBe(HOT);
    expect(counts.requests).toBeGreaterThan(0);
    expect(counts.requests).toBeLessThan(COLD); // no cold key came round twice
    expect(counts.ok).toBe(counts.requests);
    expect(counts.hits + counts.misses).toBe(counts.ok);
    expect(counts.hits).toBeGreaterThan(0);
    expect(counts.misses).toBeGreaterThan(0);
    // A hit: one GET. A miss: GET, SELECT, SET.
    expect(seen.dbStatements).toBe(counts.misses);
    expect(seen.redisCommands).toBe(counts.hits + 2 * counts.misses);
    expect(report.latency.all.count).toBe(counts.requests);
    expect(report.latency.hits.count).toBe(counts.hits);
    expect(report.latency.misses.count).toBe(counts.misses);
    expect(LatencyHistogram.decode(report.histograms.all).count).toBe(counts.requests);
    expect(report.latency.all.p50Ms).toBeLessThanOrEqual(report.latency.all.p99Ms);
    expect(report.throughput).toBeCloseTo((counts.requests * 1000) / report.elapsedMs, 1);
    // The timeline adds up to the totals.
    expect(total(report, 'requests')).toBe(counts.requests);
    expect(total(report, 'hits')).toBe(counts.hits);
    expect(total(report, 'misses')).toBe(counts.misses);
    expect(report.timeline.reduce((sum, b) => sum + b.stores.dbStatements, 0)).toBe(seen.dbStatements);
    expect(report.timeline.map((b) => b.startMs)).toEqual(report.timeline.map((_, i) => i * 100));
  });

  it('runs the bare GET baseline on the same link: one command per request, no hits or misses', async () => {
    const report = await app.load({ concurrency: 2, durationMs: 200, op: 'redis-get', keys: { kind: 'fixed', key: 'k0' } });
    expect(report.counts.ok).toBe(report.counts.requests);
    expect(report.counts.hits + report.counts.misses).toBe(0);
    expect(report.stores.redisCommands).toBe(report.counts.requests);
    expect(report.stores.dbStatements).toBe(0);
  });

  it('think time paces each worker; a request over the deadline is late and counts as an error', async () => {
    const paced = await app.load({ concurrency: 2, durationMs: 300, op: 'read', keys: { kind: 'fixed', key: 'k0' }, thinkMs: 50, deadlineMs: 0.001 });
    // Each worker pauses at least 50 ms after every answer: at most 300 / 50 + 1 requests each.
    expect(paced.counts.requests).toBeGreaterThan(0);
    expect(paced.counts.requests).toBeLessThanOrEqual(2 * 7);
    expect(paced.counts.ok).toBe(paced.counts.requests);
    expect(paced.counts.late).toBe(paced.counts.requests);
    expect(paced.timeline.reduce((sum, b) => sum + b.errors, 0)).toBe(paced.counts.requests);
    expect(paced.errors).toEqual(['answered after the deadline of 0.001 ms']);
    // Every checkout counted, and the wait classes add up to the waits.
    expect(paced.stores.checkouts).toBeGreaterThanOrEqual(paced.stores.dbStatements > 0 ? 1 : 0);
    expect(paced.stores.poolWaitClasses.reduce((a, b) => a + b, 0)).toBe(paced.stores.poolWaits);
  });

  it('refuses a spec it cannot run, saying what is wrong', async () => {
    await expect(app.load({ concurrency: 0, durationMs: 100, op: 'read', keys: { kind: 'fixed', key: 'k0' } })).rejects.toThrow(/concurrency must be/);
  });
});
