import { expect } from 'vitest';
import type { RunReport, StrategyResult } from '../../src/runner/result.js';

const pick = (report: RunReport, strategy: string): StrategyResult => {
  const result = report.results.find((r) => r.strategy === strategy);
  if (!result) throw new Error(`no result for ${strategy}`);
  return result;
};
const counter = (r: StrategyResult): Record<string, number> | undefined => r.checks.find((c) => c.checker === 'counter')?.figures;
const outcomes = (r: StrategyResult, ids: string[]): string[] => ids.map((id) => r.history.find((o) => o.id === id)?.outcome ?? 'missing');
const range = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `o${from + i}`);
const during = range(5, 8);

/**
 * The exact state inventory-oversell leaves in the real stores for each strategy, read back from
 * PostgreSQL and Redis by the lab after the heal phase. Shared by the local- and external-stack
 * tests, which must agree.
 */
export function expectInventoryFigures(report: RunReport): void {
  expect(report.results.map((r) => [r.strategy, r.verdict])).toEqual([
    ['cache-first', 'inconsistent'],
    ['db-conditional', 'consistent'],
    ['redis-reservation', 'consistent'],
    ['event-sourcing', 'consistent'],
  ]);
  expect(report.ok).toBe(true);
  for (const r of report.results) {
    expect(r.timeline.map((t) => t.event)).toEqual([
      'postgres link down (proxy disabled)',
      'postgres link up',
      'SIGKILL redis-server',
      'redis-server started again',
    ]);
    expect(r.checks.find((c) => c.checker === 'run')).toBeUndefined();
  }

  const cf = pick(report, 'cache-first');
  expect(counter(cf)).toEqual({ accepted: 14, initial: 10, finalStock: 0, orderRows: 10, oversold: 4, lost: 4, unknown: 0 });
  expect(outcomes(cf, range(1, 16))).toEqual([...Array<string>(14).fill('ok'), 'fail', 'fail']);
  expect(cf.checks.find((c) => c.checker === 'counter')?.findings).toContain(
    'stock:widget: 4 acknowledged orders without an order row (lost): o5, o6, o7, o8',
  );
  expect(cf.impact).toEqual([
    '4 units sold that do not exist: 14 orders accepted for 10 in stock',
    '4 customers will not get their order: acknowledged, never recorded in the database',
  ]);
  expect(cf.explanation).toContain('they were sold again');
  expect(cf.diff).toMatchObject([{ key: 'stock:widget', db: '0', cache: '0', ttlMs: null, status: 'consistent' }]);

  const dc = pick(report, 'db-conditional');
  expect(counter(dc)).toEqual({ accepted: 10, initial: 10, finalStock: 0, orderRows: 10, oversold: 0, lost: 0, unknown: 0 });
  expect(outcomes(dc, during)).toEqual(['fail', 'fail', 'fail', 'fail']);
  expect(outcomes(dc, ['o15', 'o16'])).toEqual(['fail', 'fail']);
  // r1 refilled the display entry from the database, with the remedy's TTL.
  const [row] = dc.diff;
  expect(row).toMatchObject({ key: 'stock:widget', db: '0', cache: '0', status: 'consistent' });
  expect(row?.ttlMs).toBeGreaterThan(0);
  expect(dc.impact).toEqual([]);
  expect(dc.explanation).toContain('refused');

  const rr = pick(report, 'redis-reservation');
  expect(counter(rr)).toEqual({ accepted: 10, initial: 10, finalStock: 0, orderRows: 10, oversold: 0, lost: 0, unknown: 0 });
  expect(outcomes(rr, during)).toEqual(['fail', 'fail', 'fail', 'fail']);
  for (const id of during) expect(rr.history.find((o) => o.id === id)?.error).toContain('reservation released');
  expect(rr.diff).toMatchObject([{ key: 'stock:widget', db: '0', cache: '0', ttlMs: null, status: 'consistent' }]);
  expect(rr.impact).toEqual([]);
  expect(rr.explanation).toContain('The window that remains');

  const es = pick(report, 'event-sourcing');
  expect(counter(es)).toEqual({ accepted: 10, initial: 10, finalStock: 0, orderRows: 10, oversold: 0, lost: 0, unknown: 0 });
  expect(outcomes(es, during)).toEqual(['fail', 'fail', 'fail', 'fail']);
  expect(es.diff).toMatchObject([{ key: 'stock:widget', db: '0', cache: '0', status: 'consistent' }]);
}
