import { describe, expect, it } from 'vitest';
import { saga } from '../../src/strategies/saga.js';
import { fakeDeps, fakeOp } from './fakes.js';

const DEBIT = 'UPDATE records SET value = value - $2 WHERE key = $1 RETURNING value';
const LEDGER = 'INSERT INTO ledger (op_id, key, amount) VALUES ($1, $2, $3)';
const REFUND = 'UPDATE records SET value = value + $2 WHERE key = $1';
const MARK = "UPDATE ledger SET status = 'compensated' WHERE op_id = $1";

function setup(cached: number | undefined, stored: number) {
  const fakes = fakeDeps(saga.cacheTtlMs);
  if (cached !== undefined) fakes.cache.put('account:bob', cached);
  fakes.db.record('account:bob', stored);
  return { ...fakes, strategy: saga.create(fakes.deps) };
}

describe('saga debit', () => {
  it('debits the database in a local transaction, then sets the cache to the balance the database returned', async () => {
    const { cache, db, trace, strategy } = setup(5000, 5000);
    expect(await strategy.debit?.('account:bob', 1000, fakeOp('p1', trace))).toEqual({ outcome: 'ok', value: 4000 });
    expect(trace).toEqual([
      'cache get account:bob',
      'point after-cache-read',
      'db BEGIN',
      `db ${DEBIT}`,
      `db ${LEDGER}`,
      'db COMMIT',
      'point after-db-commit',
      'cache set account:bob 4000',
    ]);
    expect(db.tables.ledger).toEqual([{ opId: 'p1', key: 'account:bob', amount: 1000, status: 'applied' }]);
    expect(cache.value('account:bob')).toBe('4000');
  });

  it('authorizes from the cached balance: a stale 5000 lets a 5000 debit overdraw a database holding 4000', async () => {
    const { cache, db, strategy } = setup(5000, 4000);
    expect(await strategy.debit?.('account:bob', 5000, fakeOp('p1'))).toEqual({ outcome: 'ok', value: -1000 });
    expect(db.value('account:bob')).toBe(-1000);
    expect(cache.value('account:bob')).toBe('-1000');
  });

  it('declines from the cached balance without touching the database', async () => {
    const { db, trace, strategy } = setup(100, 5000);
    expect(await strategy.debit?.('account:bob', 200, fakeOp('p1', trace))).toEqual({
      outcome: 'fail',
      error: 'declined: balance 100 < 200',
    });
    expect(trace.filter((line) => line.startsWith('db'))).toEqual([]);
    expect(db.value('account:bob')).toBe(5000);
  });

  it.each(['fail', 'unknown'] as const)(
    'compensates when the cache step answers %s: refunds, marks the ledger row compensated, drops the cache entry, answers fail',
    async (outcome) => {
      const { cache, db, trace, strategy } = setup(5000, 5000);
      // An unknown SET that did land: the compensation must not leave the post-payment balance cached.
      cache.failNext('set', outcome, { applied: true });
      const res = await strategy.debit?.('account:bob', 1000, fakeOp('p1', trace));
      expect(res?.outcome).toBe('fail');
      expect(res?.error).toMatch(new RegExp(`^step 2 \\(cache SET\\) ${outcome}: .*; refunded$`));
      expect(db.value('account:bob')).toBe(5000);
      expect(db.tables.ledger).toEqual([{ opId: 'p1', key: 'account:bob', amount: 1000, status: 'compensated' }]);
      expect(cache.value('account:bob')).toBeUndefined();
      expect(trace.slice(trace.indexOf('point after-db-commit'))).toEqual([
        'point after-db-commit',
        'cache set account:bob 4000',
        'point before-compensate',
        'db BEGIN',
        `db ${REFUND}`,
        `db ${MARK}`,
        'db COMMIT',
        'cache del account:bob',
      ]);
    },
  );

  it('answers unknown when the compensation fails too: the debit stands and the cache is left as it was', async () => {
    const { cache, db, strategy } = setup(5000, 5000);
    cache.failNext('set', 'fail');
    db.failStatement(REFUND, 'fail');
    const op = fakeOp('p1');
    const res = await strategy.debit?.('account:bob', 1000, op);
    expect(res?.outcome).toBe('unknown');
    expect(res?.error).toMatch(/^step 2 failed \(.*\); compensation fail: /);
    expect(op.points).toEqual(['after-cache-read', 'after-db-commit', 'before-compensate']);
    expect(db.value('account:bob')).toBe(4000);
    expect(db.tables.ledger).toEqual([{ opId: 'p1', key: 'account:bob', amount: 1000, status: 'applied' }]);
    expect(cache.value('account:bob')).toBe('5000');
  });

  it.each(['fail', 'unknown'] as const)('passes a step 1 COMMIT that answers %s on, with no compensation and no cache write', async (outcome) => {
    const { cache, db, trace, strategy } = setup(5000, 5000);
    db.failCommit(outcome);
    const op = fakeOp('p1', trace);
    const res = await strategy.debit?.('account:bob', 1000, op);
    expect(res?.outcome).toBe(outcome);
    expect(res?.error).toMatch(/^step 1 \(database debit\): /);
    expect(op.points).toEqual(['after-cache-read']);
    expect(trace.filter((line) => line.startsWith('cache'))).toEqual(['cache get account:bob']);
    expect(cache.value('account:bob')).toBe('5000');
  });

  it('commits nothing when the ledger insert of step 1 fails', async () => {
    const { db, strategy } = setup(5000, 5000);
    db.failStatement(LEDGER, 'fail');
    expect((await strategy.debit?.('account:bob', 1000, fakeOp('p1')))?.outcome).toBe('fail');
    expect(db.value('account:bob')).toBe(5000);
    expect(db.tables.ledger).toEqual([]);
  });
});
