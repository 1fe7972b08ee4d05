import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport, StrategyResult } from '../../src/runner/result.js';

const cli = join(import.meta.dirname, '../../bin/cachelab.js');
// Local mode is chosen when no URL is given: keep the environment's URLs out of it.
const env = { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '' };

/*
 * The three load scenarios on one local stack, through the CLI: each naive strategy over its budget
 * (naming the limit that broke), each practice within it. No timings are asserted: the verdicts
 * come from ratios of the run's own figures.
 */
describe('load scenarios on the local stack', () => {
  let report: RunReport;
  const result = (scenario: string, strategy: string): StrategyResult => {
    const found = report.results.find((r) => r.scenario === scenario && r.strategy === strategy);
    if (!found) throw new Error(`no result for ${scenario} x ${strategy}`);
    return found;
  };
  const budget = (r: StrategyResult) => r.checks.find((c) => c.checker === 'load-budget');

  beforeAll(async () => {
    const run = await execa('node', [cli, 'run', 'cache-outage', 'cold-start', 'hot-key-stampede', '--json'], { env, reject: false });
    expect(run.exitCode, run.stderr).toBe(0);
    report = JSON.parse(run.stdout) as RunReport;
  }, 180_000);

  it('cache-outage: without a breaker the database takes every read and the slow link breaks the deadline; the breaker keeps the steady load', () => {
    const naive = result('cache-outage', 'cache-aside');
    expect(naive.verdict).toBe('inconsistent');
    expect(budget(naive)?.summary).toMatch(/% errors/);
    const breaker = result('cache-outage', 'circuit-breaker');
    expect(breaker.verdict, JSON.stringify(breaker.checks)).toBe('consistent');
    expect(breaker.load?.counts.late).toBe(0);
    // The steady state is a tenth of the reads; the breaker's peak stays within 2x of it, the naive's does not.
    expect(budget(breaker)?.figures.dbPeakRatio).toBeLessThanOrEqual(2);
    expect(budget(naive)?.figures.dbPeakRatio).toBeGreaterThan(budget(breaker)?.figures.dbPeakRatio ?? Infinity);
  });

  it('cold-start: the restarted empty cache sends the hot set to the database; warming loads it in one query', () => {
    const naive = result('cold-start', 'cache-aside');
    expect(naive.verdict).toBe('inconsistent');
    expect(budget(naive)?.summary).toMatch(/^over budget: db \d/);
    const warming = result('cold-start', 'warming');
    expect(warming.verdict, JSON.stringify(warming.checks)).toBe('consistent');
    expect(warming.timeline.map((e) => e.event)).toEqual(['SIGKILL redis-server', 'redis-server started again']);
  });

  it('hot-key-stampede: every miss queries until the fill lands; single-flight makes it one per app, leases-wait one in all', () => {
    const apps = 2;
    const perExpiry = (strategy: string): number => budget(result('hot-key-stampede', strategy))?.figures.queriesPerExpiry ?? NaN;
    expect(result('hot-key-stampede', 'cache-aside').verdict).toBe('inconsistent');
    expect(perExpiry('cache-aside')).toBeGreaterThan(apps);
    expect(result('hot-key-stampede', 'leases').verdict).toBe('inconsistent');
    expect(perExpiry('leases')).toBeGreaterThan(1);
    expect(result('hot-key-stampede', 'single-flight').verdict).toBe('consistent');
    expect(perExpiry('single-flight')).toBeLessThanOrEqual(apps);
    expect(result('hot-key-stampede', 'leases-wait').verdict).toBe('consistent');
    expect(perExpiry('leases-wait')).toBe(1);
    expect(result('hot-key-stampede', 'leases-wait').load?.apps).toBe(apps);
    expect(result('hot-key-stampede', 'single-flight').timeline.filter((e) => e.event === 'cache key item:hot expired')).toHaveLength(3);
  });

  it('every result matched its expectation, and carries its load in --json', () => {
    expect(report.ok).toBe(true);
    for (const r of report.results) {
      expect(r.load?.buckets.length).toBeGreaterThan(3);
      expect(r.load?.counts.requests).toBeGreaterThan(0);
    }
  });
});
