import { describe, expect, it } from 'vitest';
import type { CheckInput, OrderRow } from '../../src/checkers/checker.js';
import { counterChecker } from '../../src/checkers/counter.js';
import type { CompletedOp, Outcome } from '../../src/history/history.js';

const ITEM = 'stock:widget';

/** Order ids o<from>..o<to>, each with this outcome. */
function orders(from: number, to: number, outcome: Outcome): CompletedOp[] {
  const ops: CompletedOp[] = [];
  for (let n = from; n <= to; n++) {
    ops.push({ id: `o${n}`, client: 'customer', op: { kind: 'order', key: ITEM }, invokedAt: n * 10, completedAt: n * 10 + 5, outcome });
  }
  return ops;
}

function rows(...ids: string[]): OrderRow[] {
  return ids.map((opId) => ({ opId, item: ITEM }));
}

const ids = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `o${from + i}`);

/** Stock 10 at the start; the final stock and order rows as given. */
function input(history: CompletedOp[], orderRows: OrderRow[], finalStock: number): CheckInput {
  return {
    history,
    initial: { db: { [ITEM]: 10 } },
    final: { db: { [ITEM]: finalStock }, cache: {}, ledger: [], sets: {}, orders: orderRows, meta: {} },
    displayOnlyKeys: [],
    stalenessBudgetMs: 0,
    finalAt: 0,
  };
}

describe('counter checker', () => {
  it('passes ten units sold of ten, with the orders after them refused', () => {
    const result = counterChecker.check(input([...orders(1, 10, 'ok'), ...orders(11, 12, 'fail')], rows(...ids(1, 10)), 0));
    expect(result.verdict).toBe('consistent');
    expect(result.findings).toEqual([]);
    expect(result.figures).toEqual({ accepted: 10, initial: 10, finalStock: 0, orderRows: 10, oversold: 0, lost: 0, unknown: 0 });
  });

  it('reports 4 units oversold and 4 orders lost when the cache sold what the database never recorded', () => {
    // cache-first: o5..o8 were acknowledged while the database was cut off; after the cache
    // restart six more were sold from the stock the database still showed.
    const history = [...orders(1, 14, 'ok'), ...orders(15, 16, 'fail')];
    const result = counterChecker.check(input(history, rows(...ids(1, 4), ...ids(9, 14)), 0));
    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toEqual({ accepted: 14, initial: 10, finalStock: 0, orderRows: 10, oversold: 4, lost: 4, unknown: 0 });
    expect(result.findings).toEqual([
      'stock:widget: 14 orders accepted for 10 units in stock: 4 oversold',
      'stock:widget: 4 acknowledged orders without an order row (lost): o5, o6, o7, o8',
    ]);
  });

  it('allows an unknown order to be recorded or not: inside the bounds it is no violation', () => {
    const history = [...orders(1, 8, 'ok'), ...orders(9, 10, 'unknown')];
    const recorded = counterChecker.check(input(history, rows(...ids(1, 9)), 1));
    expect(recorded.verdict).toBe('consistent');
    expect(recorded.figures).toMatchObject({ accepted: 8, orderRows: 9, finalStock: 1, unknown: 2, oversold: 0, lost: 0 });
    expect(recorded.findings).toEqual(['stock:widget: 2 orders with unknown outcome, 1 of them recorded (either is allowed): o9, o10']);

    const neither = counterChecker.check(input(history, rows(...ids(1, 8)), 2));
    expect(neither.verdict).toBe('consistent');
  });

  it('finds order rows beyond ok + unknown orders: a failed order recorded, an order recorded twice', () => {
    const history = [...orders(1, 8, 'ok'), ...orders(9, 9, 'unknown'), ...orders(10, 10, 'fail')];
    const result = counterChecker.check(input(history, rows(...ids(1, 10), 'o3'), -1));
    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toMatchObject({ accepted: 8, orderRows: 11, unknown: 1, finalStock: -1, oversold: 0, lost: 0 });
    expect(result.findings).toEqual([
      'stock:widget: order rows for orders that were reported failed or never placed: o10',
      'stock:widget: orders recorded more than once: o3 (2 rows)',
      'stock:widget: 1 order with unknown outcome, 1 of them recorded (either is allowed): o9',
      'stock:widget: stock -1 is below zero',
    ]);
  });

  it('does not let unknown orders excuse an oversell or a lost order', () => {
    const history = [...orders(1, 11, 'ok'), ...orders(12, 13, 'unknown')];
    const result = counterChecker.check(input(history, rows(...ids(1, 10)), 0));
    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toMatchObject({ accepted: 11, oversold: 1, lost: 1, unknown: 2 });
  });

  it('finds a database stock that does not match its own order rows', () => {
    const result = counterChecker.check(input(orders(1, 3, 'ok'), rows(...ids(1, 3)), 9));
    expect(result.verdict).toBe('inconsistent');
    expect(result.findings).toEqual(['stock:widget: stock 9 in the database, but 10 - 3 order rows = 7 (off by 2)']);
  });

  it('ignores operations that are not orders and items nobody ordered', () => {
    const read: CompletedOp = { id: 'r1', client: 'c', op: { kind: 'read', key: ITEM }, invokedAt: 1, completedAt: 2, outcome: 'ok', value: 10 };
    const result = counterChecker.check({ ...input([read], [], 10), initial: { db: { [ITEM]: 10, 'stock:other': 5 } } });
    expect(result.verdict).toBe('consistent');
    expect(result.figures).toEqual({ accepted: 0, initial: 0, finalStock: 0, orderRows: 0, oversold: 0, lost: 0, unknown: 0 });
  });
});
