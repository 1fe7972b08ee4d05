import { expect } from 'vitest';
import type { StrategyResult } from '../../src/runner/result.js';

export const CONCURRENT = 'invalidation-race/concurrent-updates';
export const STALE_FILL = 'invalidation-race/stale-fill';
export const STRATEGIES = ['write-through', 'delete-on-write', 'versioned', 'leases', 'delayed-double-delete'] as const;

/** Per interleaving, per strategy: the price the database ends with and the one the cache holds. */
const expected: Record<string, Record<(typeof STRATEGIES)[number], { verdict: string; cache: string; ttl: boolean; window: 'never' | 'no end' | 'ttl' }>> = {
  [CONCURRENT]: {
    'write-through': { verdict: 'inconsistent', cache: '150', ttl: false, window: 'no end' },
    'delete-on-write': { verdict: 'consistent', cache: '200', ttl: true, window: 'never' },
    versioned: { verdict: 'consistent', cache: '200', ttl: true, window: 'never' },
    leases: { verdict: 'consistent', cache: '200', ttl: true, window: 'never' },
    'delayed-double-delete': { verdict: 'consistent', cache: '200', ttl: true, window: 'never' },
  },
  [STALE_FILL]: {
    'write-through': { verdict: 'inconsistent', cache: '100', ttl: false, window: 'no end' },
    'delete-on-write': { verdict: 'inconsistent', cache: '100', ttl: true, window: 'ttl' },
    versioned: { verdict: 'consistent', cache: '150', ttl: true, window: 'never' },
    leases: { verdict: 'consistent', cache: '150', ttl: true, window: 'never' },
    'delayed-double-delete': { verdict: 'inconsistent', cache: '100', ttl: true, window: 'ttl' },
  },
};

const figure = (r: StrategyResult, name: string): number | undefined => r.checks.find((c) => c.checker === 'register')?.figures[name];
const op = (r: StrategyResult, id: string) => r.history.find((o) => o.id === id);
const readerValues = (r: StrategyResult): unknown[] => [...new Set(r.history.filter((o) => o.client.startsWith('reader-') && o.id !== 'r0').map((o) => o.value))];

/**
 * What one invalidation-race run left in the real stores and the history, read back by the lab
 * after the heal phase. Shared by the external-stack tests and the local CLI run, which must agree.
 */
export function expectInterleaving(r: StrategyResult): void {
  const want = expected[r.scenario]?.[r.strategy as (typeof STRATEGIES)[number]];
  if (!want) throw new Error(`no expectation for ${r.scenario} x ${r.strategy}`);
  const db = r.scenario === CONCURRENT ? '200' : '150';
  const label = `${r.scenario} x ${r.strategy}`;

  expect([label, r.verdict, r.matches], JSON.stringify(r.checks)).toEqual([label, want.verdict, true]);
  expect(r.diff).toMatchObject([{ key: 'price:book', db, cache: want.cache, status: want.cache === db ? 'consistent' : 'stale' }]);
  const ttl = r.diff[0]?.ttlMs;
  if (want.ttl) expect(ttl).toBeGreaterThan(25_000);
  if (want.ttl) expect(ttl).toBeLessThanOrEqual(30_000);
  else expect(ttl).toBeNull();

  // The interleaving was forced: the held op was released by the other one's completion.
  const [held, other] = r.scenario === CONCURRENT ? ['w1', 'w2'] : ['r0', 'w1'];
  expect(r.timeline.map((t) => t.event)).toEqual([`hold until ${other} completes`, `released (${other} completed)`]);
  expect(op(r, held)?.completedAt).toBeGreaterThan(op(r, other)?.completedAt ?? Infinity);
  expect(r.history.filter((o) => o.op.kind === 'write').map((o) => [o.id, o.outcome])).toEqual(
    r.scenario === CONCURRENT ? [['w1', 'ok'], ['w2', 'ok']] : [['w1', 'ok']],
  );
  if (r.scenario === STALE_FILL) expect([op(r, 'r0')?.outcome, op(r, 'r0')?.value]).toEqual(['ok', 100]);

  // Readers kept reading for about 300 ms and saw what the cache held.
  const readers = r.history.filter((o) => o.client.startsWith('reader-') && o.id !== 'r0');
  expect(readers.length).toBeGreaterThanOrEqual(8);
  const span = Math.max(...readers.map((o) => o.completedAt)) - Math.min(...readers.map((o) => o.invokedAt));
  expect(span).toBeGreaterThanOrEqual(299.9); // history times are rounded to 0.1 ms
  expect(readerValues(r)).toEqual([Number(want.cache)]);
  expect(figure(r, 'staleReads')).toBe(want.window === 'never' ? 0 : readers.length);

  const window = figure(r, 'staleWindowMs') ?? NaN;
  if (want.window === 'never') expect(window).toBe(0);
  if (want.window === 'no end') expect([window, figure(r, 'ttlLeftMs')]).toEqual([-1, -1]);
  if (want.window === 'ttl') {
    // From w1's acknowledgement until the TTL the stale fill set expires: about the 30 s TTL.
    expect(window).toBeGreaterThanOrEqual(29_990);
    expect(window).toBeLessThan(31_000);
    expect(figure(r, 'ttlLeftMs')).toBe(ttl);
  }
  expect(figure(r, 'finalStale')).toBe(want.cache === db ? 0 : 1);

  // The strategies' own bookkeeping: the version the compare-and-set kept (2: w2's, not w1's older
  // 1; 1: w1's, not r0's 0); leases used up by the fills; the delay inside each delayed write.
  const meta = Object.fromEntries(r.bookkeeping.map((b) => [b.key, b.value]));
  expect(meta).toEqual(r.strategy === 'versioned' ? { '_meta:version:price:book': r.scenario === CONCURRENT ? '2' : '1' } : {});
  if (r.strategy === 'delayed-double-delete') {
    for (const w of r.history.filter((o) => o.op.kind === 'write')) expect(w.completedAt - w.invokedAt).toBeGreaterThanOrEqual(100);
  }
}
