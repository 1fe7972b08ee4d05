import { describe, expect, it } from 'vitest';
import type { CheckInput } from '../../src/checkers/checker.js';
import { registerChecker } from '../../src/checkers/register.js';
import type { CompletedOp, Outcome } from '../../src/history/history.js';

const PRICE = 'price:book';

/** A read of the price over [invokedAt, completedAt] ms. */
function read(id: string, [invokedAt, completedAt]: [number, number], value: number | null, outcome: Outcome = 'ok'): CompletedOp {
  return { id, client: 'reader', op: { kind: 'read', key: PRICE }, invokedAt, completedAt, outcome, ...(outcome === 'ok' ? { value } : {}) };
}

function write(id: string, value: number, [invokedAt, completedAt]: [number, number], outcome: Outcome = 'ok'): CompletedOp {
  return { id, client: 'writer', op: { kind: 'write', key: PRICE, value }, invokedAt, completedAt, outcome, value };
}

/** The price starts at 100; the snapshot is read at `finalAt` (default 1000 ms). */
function input(history: CompletedOp[], db: number, cache: { value: string; ttlMs: number | null } | undefined, finalAt = 1000): CheckInput {
  return {
    history,
    initial: { db: { [PRICE]: 100 } },
    final: { db: { [PRICE]: db }, cache: cache ? { [PRICE]: cache } : {}, ledger: [], sets: {}, orders: [], meta: {} },
    finalAt,
    displayOnlyKeys: [],
    stalenessBudgetMs: 0,
  };
}

describe('register checker', () => {
  it('lets reads that overlap a write return the old or the new value, and reports never stale', () => {
    const result = registerChecker.check(
      input([write('w1', 150, [10, 20]), read('r1', [15, 25], 100), read('r2', [16, 30], 150), read('r3', [40, 41], 150)], 150, {
        value: '150',
        ttlMs: null,
      }),
    );

    expect(result.checker).toBe('register');
    expect(result.verdict).toBe('consistent');
    expect(result.figures).toEqual({ staleReads: 0, maxStaleReadAgeMs: 0, staleWindowMs: 0, ttlLeftMs: 0, finalStale: 0, lostWrites: 0 });
    expect(result.findings).toEqual([
      'price:book: never stale: 3 reads, none older than the last acknowledged write; cache = database = 150 after the quiet period',
    ]);
  });

  it('calls a read that starts after the write was acknowledged and returns the old value stale, and times the heal', () => {
    const result = registerChecker.check(
      input(
        [write('w1', 150, [10, 20]), read('r1', [30, 31], 100), read('r2', [45, 46], 100), read('r3', [60, 62], 150)],
        150,
        { value: '150', ttlMs: 30_000 },
      ),
    );

    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toEqual({ staleReads: 2, maxStaleReadAgeMs: 25, staleWindowMs: 42, ttlLeftMs: 0, finalStale: 0, lostWrites: 0 });
    expect(result.findings).toEqual([
      'price:book: 2 stale reads returned 100 10 ms to 25 ms after a later write was acknowledged (r1, r2)',
      'price:book: healed after 42 ms: r3 read 150',
    ]);
  });

  it('reports a stale fill stuck until its TTL expires, the window computed from the TTL left, as inconsistent', () => {
    // r0 missed and read 100 before w1 committed; its fill landed after w1's delete.
    const result = registerChecker.check(
      input([read('r0', [5, 40], 100), write('w1', 150, [10, 20]), read('r1', [45, 46], 100)], 150, { value: '100', ttlMs: 29_000 }, 100),
    );

    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toEqual({ staleReads: 1, maxStaleReadAgeMs: 25, staleWindowMs: 29_080, ttlLeftMs: 29_000, finalStale: 1, lostWrites: 0 });
    expect(result.findings).toEqual([
      'price:book: 1 stale read returned 100 25 ms after a later write was acknowledged (r1)',
      'price:book: cache 100, database 150 after the quiet period: stale until the TTL expires in 29.0 s, 29.1 s in all; ' +
        'without a TTL it would stay stale until the next write',
    ]);
  });

  it('orders overlapping writes as the database did: the value of the one it holds last wins, the other is stuck with no TTL', () => {
    // w1 commits 150 first but sets the cache last; w2 commits 200 and sets it in between.
    const result = registerChecker.check(
      input([write('w1', 150, [10, 50]), write('w2', 200, [20, 30]), read('r1', [40, 41], 150), read('r2', [60, 61], 150)], 200, {
        value: '150',
        ttlMs: null,
      }),
    );

    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toEqual({ staleReads: 2, maxStaleReadAgeMs: 30, staleWindowMs: -1, ttlLeftMs: -1, finalStale: 1, lostWrites: 0 });
    expect(result.findings).toEqual([
      'price:book: 2 stale reads returned 150 10 ms to 30 ms after a later write was acknowledged (r1, r2)',
      'price:book: cache 150, database 200 after the quiet period, no TTL: stale with no end (until the next write)',
    ]);
  });

  it('lets an unknown write explain what reads return, and never counts it as making older values stale', () => {
    const result = registerChecker.check(
      input(
        [write('w1', 150, [10, 20]), write('w2', 200, [30, 40], 'unknown'), read('r1', [50, 51], 200), read('r2', [52, 53], 150), read('r3', [54, 55], 0, 'unknown')],
        200,
        { value: '200', ttlMs: 30_000 },
      ),
    );

    expect(result.verdict).toBe('consistent');
    expect(result.figures).toMatchObject({ staleReads: 0, finalStale: 0, lostWrites: 0 });
  });

  it('does not treat a database that kept the older value as a lost write when a later write is unknown', () => {
    const result = registerChecker.check(input([write('w1', 150, [10, 20]), write('w2', 200, [30, 40], 'unknown')], 150, undefined));

    expect(result.verdict).toBe('consistent');
    expect(result.findings).toEqual(['price:book: never stale: 0 reads, none older than the last acknowledged write; not cached after the quiet period']);
  });

  it('flags a database that lost the last acknowledged write', () => {
    const result = registerChecker.check(input([write('w1', 150, [10, 20]), write('w2', 200, [30, 40])], 150, undefined));

    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toMatchObject({ lostWrites: 1, staleReads: 0 });
    expect(result.findings[0]).toBe('price:book: the database holds 150, but the last acknowledged write wrote 200 (w2)');
  });

  it('calls a read of a failed write\'s value wrong: a failed write certainly did not happen', () => {
    const result = registerChecker.check(
      input([write('w1', 150, [10, 20], 'fail'), read('r1', [30, 31], 150)], 100, { value: '150', ttlMs: null }),
    );

    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toMatchObject({ staleReads: 1, maxStaleReadAgeMs: 0, finalStale: 1, staleWindowMs: -1 });
  });

  it('does not allow a read to return a value written only after it completed', () => {
    const result = registerChecker.check(input([read('r1', [1, 2], 150), write('w1', 150, [10, 20])], 150, undefined));

    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toMatchObject({ staleReads: 1 });
  });

  it('times a cached value nobody wrote from the start of the run when no write was acknowledged', () => {
    const result = registerChecker.check(input([write('w1', 150, [10, 20], 'fail')], 100, { value: '90', ttlMs: 5_000 }, 400));

    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toMatchObject({ staleReads: 0, finalStale: 1, staleWindowMs: 5_400, ttlLeftMs: 5_000 });
  });

  it('accepts a key missing from the cache after the quiet period: the next read fills it', () => {
    const result = registerChecker.check(input([write('w1', 150, [10, 20]), read('r1', [30, 31], 150)], 150, undefined));

    expect(result.verdict).toBe('consistent');
    expect(result.figures).toMatchObject({ finalStale: 0, staleWindowMs: 0 });
  });
});
