import { describe, expect, it } from 'vitest';
import { setChecker } from '../../src/checkers/set.js';
import type { Outcome } from '../../src/history/history.js';
import { input, op } from './payment-fixtures.js';

const ORDERS = 'orders';

function add(item: string, outcome: Outcome) {
  return op(`a-${item}`, { kind: 'add', key: ORDERS, item }, outcome);
}

describe('set checker', () => {
  it('accepts a run where every acknowledged order reached the database', () => {
    const result = setChecker.check(
      input({
        history: [add('o1', 'ok'), add('o2', 'ok'), add('o3', 'unknown')],
        final: { sets: { [ORDERS]: { db: ['o1', 'o2'], cache: ['o1', 'o2'] } } },
      }),
    );

    expect(result.checker).toBe('set');
    expect(result.verdict).toBe('consistent');
    expect(result.findings).toEqual([]);
    expect(result.figures).toEqual({ lost: 0, cacheOnly: 0, failedButPresent: 0, acknowledged: 2 });
  });

  it('reports acknowledged orders missing from the database as lost, and those still cached as cache-only', () => {
    const result = setChecker.check(
      input({
        history: [add('o1', 'ok'), add('o2', 'ok'), add('o3', 'ok')],
        final: { sets: { [ORDERS]: { db: ['o1'], cache: ['o1', 'o2'] } } },
      }),
    );

    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toEqual({ lost: 2, cacheOnly: 1, failedButPresent: 0, acknowledged: 3 });
    expect(result.findings).toEqual([
      'orders: 2 lost: acknowledged but not in the database: o2, o3',
      'orders: 1 cache-only: in the cache but not in the database: o2',
    ]);
  });

  it('counts acknowledged orders as lost when the snapshot holds no such set at all', () => {
    const result = setChecker.check(input({ history: [add('o1', 'ok')] }));

    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toMatchObject({ lost: 1 });
  });

  it('flags an order reported failed that the database holds anyway', () => {
    const result = setChecker.check(
      input({ history: [add('o1', 'fail')], final: { sets: { [ORDERS]: { db: ['o1'], cache: [] } } } }),
    );

    expect(result.verdict).toBe('inconsistent');
    expect(result.findings).toEqual(['orders: 1 reported failed but in the database: o1']);
  });

  it('names the first ten lost orders and counts the rest', () => {
    const items = Array.from({ length: 12 }, (_, i) => `o${i + 1}`);
    const result = setChecker.check(
      input({ history: items.map((item) => add(item, 'ok')), final: { sets: { [ORDERS]: { db: [], cache: [] } } } }),
    );

    expect(result.figures).toMatchObject({ lost: 12 });
    expect(result.findings).toEqual([
      'orders: 12 lost: acknowledged but not in the database: o1, o2, o3, o4, o5, o6, o7, o8, o9, o10 and 2 more',
    ]);
  });
});
