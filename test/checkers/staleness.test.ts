import { describe, expect, it } from 'vitest';
import { stalenessChecker } from '../../src/checkers/staleness.js';
import { ALICE, boundedDisplay, input, naiveWriteThrough, staleForever } from './payment-fixtures.js';

describe('cache-vs-db staleness checker', () => {
  it('calls a stale key without a TTL inconsistent: it stays stale until the next write', () => {
    const result = stalenessChecker.check(staleForever());

    expect(result.checker).toBe('cache-vs-db');
    expect(result.verdict).toBe('inconsistent');
    expect(result.findings).toEqual([
      'account:alice: cache 5000, database 4000, no TTL: stays stale until the next successful write',
    ]);
    expect(result.figures).toEqual({ staleKeys: 1, maxStaleMs: -1 });
  });

  it('keeps a display-only key within its TTL budget consistent, but reports the staleness window', () => {
    const result = stalenessChecker.check(boundedDisplay());

    expect(result.verdict).toBe('consistent');
    expect(result.findings).toEqual([
      'account:alice: cache 5000, database 4000: display value stale for up to 30 s (TTL), heals by itself',
    ]);
    expect(result.figures).toEqual({ staleKeys: 1, maxStaleMs: 30_000 });
  });

  it('calls a stale key whose TTL exceeds the budget inconsistent', () => {
    const over = boundedDisplay();
    over.final.cache[ALICE] = { value: '5000', ttlMs: 120_000 };

    const result = stalenessChecker.check(over);

    expect(result.verdict).toBe('inconsistent');
    expect(result.findings).toEqual(['account:alice: cache 5000, database 4000: stale for up to 120 s (TTL), over the 30 s budget']);
    expect(result.figures).toEqual({ staleKeys: 1, maxStaleMs: 120_000 });
  });

  it('accepts a key missing from the cache, which the next read fills', () => {
    const result = stalenessChecker.check(input({ final: { db: { [ALICE]: 4000 }, cache: {} } }));

    expect(result.verdict).toBe('consistent');
    expect(result.findings).toEqual([]);
    expect(result.figures).toEqual({ staleKeys: 0, maxStaleMs: 0 });
  });

  it('accepts a cache that agrees with the database after naive write-through overwrote both to 0', () => {
    expect(stalenessChecker.check(naiveWriteThrough()).verdict).toBe('consistent');
  });

  it('calls a cache-only key without a TTL inconsistent', () => {
    const result = stalenessChecker.check(
      input({ final: { cache: { [ALICE]: { value: '5000', ttlMs: null }, 'price:ghost': { value: '150', ttlMs: null } } } }),
    );

    expect(result.verdict).toBe('inconsistent');
    expect(result.findings).toEqual([
      'price:ghost: cache 150, database has no row, no TTL: stays stale until the next successful write',
    ]);
  });

  it('reports the staleness as unbounded when any stale key lacks a TTL, whatever the others', () => {
    const result = stalenessChecker.check(
      input({
        stalenessBudgetMs: 30_000,
        initial: { db: { [ALICE]: 5000, 'account:bob': 700 } },
        final: {
          db: { [ALICE]: 4000, 'account:bob': 600 },
          cache: { [ALICE]: { value: '5000', ttlMs: 10_000 }, 'account:bob': { value: '700', ttlMs: null } },
        },
      }),
    );

    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toEqual({ staleKeys: 2, maxStaleMs: -1 });
  });
});
