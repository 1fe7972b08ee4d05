import { expect } from 'vitest';
import type { RunReport, StrategyResult } from '../../src/runner/result.js';

const range = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `o${from + i}`);
const CALM = range(1, 5);
const BURST = range(6, 42);

export const pick = (report: RunReport, scenario: string, strategy: string): StrategyResult => {
  const result = report.results.find((r) => r.scenario === scenario && r.strategy === strategy);
  if (!result) throw new Error(`no result for ${scenario} x ${strategy}`);
  return result;
};
const set = (r: StrategyResult): Record<string, number> => r.checks.find((c) => c.checker === 'set')?.figures ?? {};
const outcomes = (r: StrategyResult, ids: string[]): string[] => [...new Set(ids.map((id) => r.history.find((o) => o.id === id)?.outcome ?? 'missing'))];
/** The set check's counts, without the durability quantiles (timings) and the clock error. */
const counts = (r: StrategyResult): Record<string, number> =>
  Object.fromEntries(Object.entries(set(r)).filter(([name]) => !name.startsWith('durable') && name !== 'dbClockErrorMs'));

const figures = (acknowledged: number, inDatabase: number, lost: number, cacheOnly: number, failed: number): Record<string, number> => ({
  acknowledged,
  inDatabase,
  lost,
  cacheOnly,
  duplicated: 0,
  unknown: 0,
  unknownInDatabase: 0,
  failed,
  failedButPresent: 0,
});
const ALL_KEPT = figures(42, 42, 0, 0, 0);
const OUTBOX = figures(5, 5, 0, 0, 37);

/** Every result ran the run it claims: no `run` check, and the burst answered as the strategy answers. */
function expectClean(r: StrategyResult, burst: 'ok' | 'fail'): void {
  expect(r.checks.find((c) => c.checker === 'run'), JSON.stringify(r.checks)).toBeUndefined();
  expect(outcomes(r, CALM)).toEqual(['ok']);
  expect(outcomes(r, BURST)).toEqual([burst]);
}

/**
 * What write-behind-crash leaves in the real stores for each strategy, read back by the lab after
 * the heal phase. Shared by the local- and external-stack tests, which must agree.
 */
export function expectWriteBehindCrash(report: RunReport): void {
  const results = report.results.filter((r) => r.scenario === 'write-behind-crash');
  expect(results.map((r) => [r.strategy, r.verdict])).toEqual([
    ['write-behind', 'inconsistent'],
    ['durable-write-behind', 'consistent'],
    ['outbox', 'consistent'],
  ]);
  for (const r of results) {
    expect(r.matches).toBe(true);
    expect(r.timeline.map((t) => t.event.replace(/\d+/g, 'N'))).toEqual([
      'postgres link down (proxy disabled)',
      'SIGKILL app (pid N)',
      'app restarted (pid N), memory empty',
      'postgres link up',
    ]);
  }

  const wb = pick(report, 'write-behind-crash', 'write-behind');
  expectClean(wb, 'ok');
  expect(counts(wb)).toEqual(figures(42, 5, 37, 37, 0));
  expect(wb.impact).toEqual([
    '37 confirmed orders lost: acknowledged to the customer, never written to the database',
    "37 orders only in the cache: the customer sees them, the business has no record of them (until the set's TTL drops them)",
  ]);
  expect(wb.diff).toMatchObject([{ key: 'orders:alice', db: 'o1,o2,o3,o4,o5', cache: '42 items: o1 … o42', status: 'stale' }]);
  expect(wb.explanation).toContain('The SIGKILL took the queue');

  const dwb = pick(report, 'write-behind-crash', 'durable-write-behind');
  expectClean(dwb, 'ok');
  expect(counts(dwb)).toEqual(ALL_KEPT);
  // The burst became durable only after the restart and the heal: later than its acknowledgement.
  expect(set(dwb).durableMaxMs).toBeGreaterThan(set(dwb).dbClockErrorMs ?? 0);
  expect(dwb.impact).toEqual([]);
  expect(dwb.diff).toMatchObject([{ key: 'orders:alice', status: 'consistent' }]);

  const ob = pick(report, 'write-behind-crash', 'outbox');
  expectClean(ob, 'fail');
  expect(counts(ob)).toEqual(OUTBOX);
  // Committed before the acknowledgement.
  expect(set(ob).durableMaxMs).toBe(0);
  expect(ob.diff).toMatchObject([{ key: 'orders:alice', db: 'o1,o2,o3,o4,o5', cache: 'o1,o2,o3,o4,o5', status: 'consistent' }]);
  expect(ob.explanation).toContain('37 orders placed while the database was cut off were refused');
}

/** What write-behind-redis-crash/<slug> leaves in the real stores for each strategy, on a Redis with that persistence. */
export function expectRedisCrash(report: RunReport, slug: 'aof-off' | 'everysec' | 'always'): void {
  const scenario = `write-behind-redis-crash/${slug}`;
  const results = report.results.filter((r) => r.scenario === scenario);
  const durableKeeps = slug !== 'aof-off';
  expect(results.map((r) => [r.strategy, r.verdict])).toEqual([
    ['write-behind', 'consistent'],
    ['durable-write-behind', durableKeeps ? 'consistent' : 'inconsistent'],
    ['outbox', 'consistent'],
  ]);
  for (const r of results) {
    expect(r.matches).toBe(true);
    expect(r.redisPersistence?.setting).toBe(slug === 'aof-off' ? 'none' : slug);
    expect(r.timeline.map((t) => t.event)).toEqual([
      'postgres link down (proxy disabled)',
      'SIGKILL redis-server',
      'redis-server started again',
      'postgres link up',
    ]);
  }

  const wb = pick(report, scenario, 'write-behind');
  expectClean(wb, 'ok');
  expect(counts(wb)).toEqual(ALL_KEPT);

  const dwb = pick(report, scenario, 'durable-write-behind');
  expectClean(dwb, 'ok');
  expect(counts(dwb)).toEqual(durableKeeps ? ALL_KEPT : figures(42, 5, 37, 0, 0));
  expect(dwb.impact).toEqual(durableKeeps ? [] : ['37 confirmed orders lost: acknowledged to the customer, never written to the database']);

  const ob = pick(report, scenario, 'outbox');
  expectClean(ob, 'fail');
  expect(counts(ob)).toEqual(OUTBOX);

  // The cached set survived the kill exactly when the AOF kept it. (Which members it holds may
  // differ on a loaded machine: with everysec Redis postpones an AOF write while an fsync is slow,
  // and a relay may still be catching up; the checkers judge that, within the set's TTL.)
  for (const r of [wb, ob]) {
    if (durableKeeps) expect(r.diff[0]?.status).not.toBe('missing-in-cache');
    else expect(r.diff[0]?.status).toBe('missing-in-cache');
  }
}
