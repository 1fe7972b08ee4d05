import { describe, expect, it } from 'vitest';
import type { SetRow } from '../../src/checkers/checker.js';
import { setChecker } from '../../src/checkers/set.js';
import type { CompletedOp, Outcome } from '../../src/history/history.js';
import { input } from './payment-fixtures.js';

const ORDERS = 'orders:alice';

/** An add of order `item`, acknowledged (completed) at `at` ms. */
function add(item: string, outcome: Outcome, at = 100): CompletedOp {
  return { id: item, client: 'alice', op: { kind: 'add', key: ORDERS, item }, invokedAt: at - 5, completedAt: at, outcome };
}

const rows = (...written: [item: string, writtenAt: number | null][]): SetRow[] => written.map(([item, writtenAt]) => ({ item, writtenAt }));
const none = { acknowledged: 0, inDatabase: 0, lost: 0, cacheOnly: 0, duplicated: 0, unknown: 0, unknownInDatabase: 0, failed: 0, failedButPresent: 0 };

describe('set checker', () => {
  it('accepts a run where every acknowledged order reached the database', () => {
    const result = setChecker.check(
      input({
        history: [add('o1', 'ok'), add('o2', 'ok')],
        final: { sets: { [ORDERS]: { db: ['o1', 'o2'], cache: ['o1', 'o2'] } } },
      }),
    );

    expect(result.checker).toBe('set');
    expect(result.verdict).toBe('consistent');
    expect(result.findings).toEqual([]);
    expect(result.figures).toEqual({ ...none, acknowledged: 2, inDatabase: 2 });
  });

  it('reports acknowledged orders missing from the database as lost, and those still cached as cache-only', () => {
    const result = setChecker.check(
      input({
        history: [add('o1', 'ok'), add('o2', 'ok'), add('o3', 'ok')],
        final: { sets: { [ORDERS]: { db: ['o1'], cache: ['o1', 'o2'] } } },
      }),
    );

    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toEqual({ ...none, acknowledged: 3, inDatabase: 1, lost: 2, cacheOnly: 1 });
    expect(result.findings).toEqual([
      'orders:alice: 2 lost: acknowledged but not in the database: o2, o3',
      'orders:alice: 1 cache-only: in the cache but not in the database: o2',
    ]);
  });

  it('counts acknowledged orders as lost when the snapshot holds no such set at all', () => {
    const result = setChecker.check(input({ history: [add('o1', 'ok')] }));

    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toMatchObject({ lost: 1, inDatabase: 0 });
  });

  it('flags an order reported failed that the database holds anyway', () => {
    const result = setChecker.check(
      input({ history: [add('o1', 'fail')], final: { sets: { [ORDERS]: { db: ['o1'], cache: [] } } } }),
    );

    expect(result.verdict).toBe('inconsistent');
    expect(result.findings).toEqual(['orders:alice: 1 reported failed but in the database: o1']);
  });

  it('lets an order with an unknown outcome be in the database or not, and counts both apart', () => {
    const result = setChecker.check(
      input({
        history: [add('o1', 'ok'), add('o2', 'unknown'), add('o3', 'unknown')],
        final: { sets: { [ORDERS]: { db: ['o1', 'o2'], cache: ['o1', 'o2'] } } },
      }),
    );

    expect(result.verdict).toBe('consistent');
    expect(result.figures).toEqual({ ...none, acknowledged: 1, inDatabase: 1, unknown: 2, unknownInDatabase: 1 });
    expect(result.findings).toEqual(['orders:alice: 2 with an unknown outcome (allowed either way), 1 of them in the database: o2, o3']);
  });

  it('still calls an unknown order that sits only in the cache cache-only: the customer sees what the business does not have', () => {
    const result = setChecker.check(
      input({ history: [add('o1', 'unknown')], final: { sets: { [ORDERS]: { db: [], cache: ['o1'] } } } }),
    );

    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toMatchObject({ unknown: 1, unknownInDatabase: 0, cacheOnly: 1, lost: 0 });
  });

  it('judges an order by its acknowledged attempt when a failed or unknown attempt of it came first', () => {
    const result = setChecker.check(
      input({
        history: [add('o1', 'fail', 50), add('o1', 'ok', 100), add('o2', 'unknown', 60), add('o2', 'ok', 120)],
        final: { sets: { [ORDERS]: { db: ['o1', 'o2'], cache: [], rows: rows(['o1', 130], ['o2', 110]) } } },
      }),
    );

    expect(result.verdict).toBe('consistent');
    expect(result.figures).toMatchObject({ acknowledged: 2, failedButPresent: 0, unknown: 0, durableMaxMs: 30 });
  });

  it('reports an order with two database rows as written twice, whatever its outcome', () => {
    const result = setChecker.check(
      input({
        history: [add('o1', 'ok'), add('o2', 'unknown')],
        final: { sets: { [ORDERS]: { db: ['o1', 'o2'], cache: ['o1', 'o2'], rows: rows(['o1', 150], ['o2', 160], ['o1', 170], ['o2', 180], ['o2', 190]) } } },
      }),
    );

    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toMatchObject({ duplicated: 2, inDatabase: 1, unknownInDatabase: 1 });
    expect(result.findings[0]).toBe('orders:alice: 2 written more than once: o1 (2 rows), o2 (3 rows)');
  });

  it('times durability from the acknowledgement to the first row, 0 when the row came first', () => {
    const history = [add('o1', 'ok', 100), add('o2', 'ok', 100), add('o3', 'ok', 100), add('o4', 'ok', 100)];
    const result = setChecker.check(
      input({
        history,
        final: {
          sets: { [ORDERS]: { db: ['o1', 'o2', 'o3', 'o4'], cache: [], rows: rows(['o1', 90], ['o2', 110.25], ['o3', 400], ['o4', 3100], ['o4', 3200]) } },
          dbClockErrorMs: 0.23,
        },
      }),
    );

    expect(result.figures).toMatchObject({ durableP50Ms: 10.3, durableP95Ms: 3000, durableMaxMs: 3000, dbClockErrorMs: 0.2 });
    expect(result.findings).toContain(
      'durable after the acknowledgement (4 acknowledged items, 0 = written before it): p50 10.3 ms, p95 3000 ms, max 3000 ms (clocks compared within 0.2 ms)',
    );
  });

  it('gives no durability figures when no write time is known', () => {
    const result = setChecker.check(input({ history: [add('o1', 'ok')], final: { sets: { [ORDERS]: { db: ['o1'], cache: [] } } } }));

    expect(result.figures).not.toHaveProperty('durableP50Ms');
    expect(result.findings).toEqual([]);
  });

  it('names the first ten lost orders and counts the rest', () => {
    const items = Array.from({ length: 12 }, (_, i) => `o${i + 1}`);
    const result = setChecker.check(
      input({ history: items.map((item) => add(item, 'ok')), final: { sets: { [ORDERS]: { db: [], cache: [] } } } }),
    );

    expect(result.figures).toMatchObject({ lost: 12 });
    expect(result.findings).toEqual([
      'orders:alice: 12 lost: acknowledged but not in the database: o1, o2, o3, o4, o5, o6, o7, o8, o9, o10 and 2 more',
    ]);
  });
});
