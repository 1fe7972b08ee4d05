import { expect } from 'vitest';
import type { RunReport, StrategyResult } from '../../src/runner/result.js';

const pick = (report: RunReport, strategy: string): StrategyResult => {
  const result = report.results.find((r) => r.strategy === strategy);
  if (!result) throw new Error(`no result for ${strategy}`);
  return result;
};
const outcome = (r: StrategyResult, id: string): string | undefined => r.history.find((o) => o.id === id)?.outcome;
const figure = (r: StrategyResult, checker: string, name: string): number | undefined =>
  r.checks.find((c) => c.checker === checker)?.figures[name];

/**
 * The exact state payment-double-spend leaves in the real stores for each strategy, read back
 * from PostgreSQL and Redis by the lab after the heal phase. Shared by the local- and
 * external-stack tests, which must agree.
 */
export function expectPaymentFigures(report: RunReport): void {
  expect(report.results.map((r) => [r.strategy, r.verdict])).toEqual([
    ['write-through', 'inconsistent'],
    ['two-phase-commit', 'inconsistent'],
    ['saga', 'consistent'],
    ['delete-on-write', 'consistent'],
    ['event-sourcing', 'consistent'],
  ]);
  expect(report.ok).toBe(true);

  const wt = pick(report, 'write-through');
  expect(wt.diff).toMatchObject([{ key: 'account:alice', db: '0', cache: '0', status: 'consistent' }]);
  expect(figure(wt, 'bank', 'spentTwice')).toBe(1000);
  expect(figure(wt, 'bank', 'applied')).toBe(6000);
  expect(figure(wt, 'bank', 'failedButApplied')).toBe(1);
  expect([outcome(wt, 'p1'), outcome(wt, 'p2')]).toEqual(['fail', 'ok']);
  expect(wt.impact.join('\n')).toContain('1000 yen spent twice');
  expect(wt.timeline.map((t) => t.event).join('\n')).toMatch(/add toxic reset_peer on redis[\s\S]*remove toxic reset_peer/);

  const tpc = pick(report, 'two-phase-commit');
  expect(tpc.diff).toMatchObject([{ key: 'account:alice', db: '4000', cache: '5000', ttlMs: null, status: 'stale' }]);
  expect(figure(tpc, 'bank', 'spentTwice')).toBe(0);
  expect([outcome(tpc, 'p1'), outcome(tpc, 'p2'), outcome(tpc, 'r1')]).toEqual(['ok', 'fail', 'ok']);
  expect(tpc.history.find((o) => o.id === 'r1')?.value).toBe(5000);

  const saga = pick(report, 'saga');
  expect(saga.diff).toMatchObject([{ key: 'account:alice', db: '0', cache: '0', status: 'consistent' }]);
  expect(figure(saga, 'bank', 'spentTwice')).toBe(0);
  expect(figure(saga, 'bank', 'applied')).toBe(5000);
  expect([outcome(saga, 'p1'), outcome(saga, 'p2')]).toEqual(['fail', 'ok']);

  const dow = pick(report, 'delete-on-write');
  const [row] = dow.diff;
  expect(row).toMatchObject({ key: 'account:alice', db: '4000', cache: '5000', status: 'stale' });
  expect(row?.ttlMs).toBeGreaterThan(0);
  expect(row?.ttlMs).toBeLessThanOrEqual(30_000);
  expect(row?.note).toContain('display only');
  expect(figure(dow, 'bank', 'spentTwice')).toBe(0);
  expect([outcome(dow, 'p1'), outcome(dow, 'p2')]).toEqual(['ok', 'fail']);
  expect(dow.impact).toEqual([]);

  // p1 is in the log; its lost cache projection is caught up by p2, which the log declines.
  const es = pick(report, 'event-sourcing');
  expect(es.diff).toMatchObject([{ key: 'account:alice', db: '4000', cache: '4000', status: 'consistent' }]);
  expect([outcome(es, 'p1'), outcome(es, 'p2'), outcome(es, 'r1')]).toEqual(['ok', 'fail', 'ok']);
  expect(es.history.find((o) => o.id === 'r1')?.value).toBe(4000);
  expect(figure(es, 'bank', 'applied')).toBe(1000);
  // The cache projection lagged behind the log from p1's commit until p2 caught it up.
  expect(es.bookkeeping.map((b) => b.key)).toEqual(['_meta:es-lag-ms:account:alice', '_meta:version:account:alice']);
  expect(Number(es.bookkeeping[0]?.value)).toBeGreaterThan(0);
  expect(es.explanation).toContain('catch up');
}
