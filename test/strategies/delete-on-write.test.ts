import { describe, expect, it } from 'vitest';
import { deleteOnWrite } from '../../src/strategies/delete-on-write.js';
import { fakeDeps, fakeOp } from './fakes.js';

const ONCE = 'INSERT INTO applied_ops (op_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING op_id';
const DEBIT = 'UPDATE records SET value = value - $2 WHERE key = $1 AND value >= $2 RETURNING value';
const LEDGER = 'INSERT INTO ledger (op_id, key, amount) VALUES ($1, $2, $3)';
const UPDATE = 'UPDATE records SET value = $2 WHERE key = $1';

function setup(cached: number | undefined, stored: number | undefined) {
  const fakes = fakeDeps(deleteOnWrite.cacheTtlMs);
  if (cached !== undefined) fakes.cache.put('account:bob', cached, deleteOnWrite.cacheTtlMs);
  if (stored !== undefined) fakes.db.record('account:bob', stored);
  return { ...fakes, strategy: deleteOnWrite.create(fakes.deps) };
}

describe('delete-on-write debit', () => {
  it('debits with one conditional statement in the database, without reading the cache, then deletes the cache entry', async () => {
    const { cache, db, trace, strategy } = setup(5000, 5000);
    expect(await strategy.debit?.('account:bob', 1000, fakeOp('p1', trace))).toEqual({ outcome: 'ok', value: 4000 });
    expect(trace).toEqual([
      'db BEGIN',
      `db ${ONCE}`,
      `db ${DEBIT}`,
      `db ${LEDGER}`,
      'db COMMIT',
      'point after-db-commit',
      'cache del account:bob',
    ]);
    expect(db.value('account:bob')).toBe(4000);
    expect(db.tables.ledger).toEqual([{ opId: 'p1', key: 'account:bob', amount: 1000, status: 'applied' }]);
    expect(cache.value('account:bob')).toBeUndefined();
  });

  it('declines when the database balance is short, even if the cache shows enough, and leaves no trace', async () => {
    const { cache, db, strategy } = setup(5000, 1000);
    const op = fakeOp('p1');
    const res = await strategy.debit?.('account:bob', 3000, op);
    expect(res).toEqual({ outcome: 'fail', error: 'database debit: declined: balance < 3000' });
    expect(op.points).toEqual([]);
    expect(db.value('account:bob')).toBe(1000);
    expect(db.tables.ledger).toEqual([]);
    // Rolled back with the decline, so the same payment id can still be applied later.
    expect(db.tables.appliedOps.size).toBe(0);
    expect(cache.value('account:bob')).toBe('5000');
  });

  it('declines an account the database does not have', async () => {
    const { db, strategy } = setup(5000, undefined);
    expect((await strategy.debit?.('account:bob', 1, fakeOp('p1')))?.outcome).toBe('fail');
    expect(db.tables.ledger).toEqual([]);
  });

  it('applies a payment id once: a repeat is refused and debits nothing more', async () => {
    const { db, strategy } = setup(undefined, 5000);
    expect(await strategy.debit?.('account:bob', 1000, fakeOp('p1'))).toEqual({ outcome: 'ok', value: 4000 });
    const again = await strategy.debit?.('account:bob', 1000, fakeOp('p1'));
    expect(again).toEqual({ outcome: 'fail', error: 'database debit: payment p1 was already applied' });
    expect(db.value('account:bob')).toBe(4000);
    expect(db.tables.ledger).toHaveLength(1);
  });

  it.each(['fail', 'unknown'] as const)('answers ok when the cache delete answers %s: the database decided', async (outcome) => {
    const { cache, db, strategy } = setup(5000, 5000);
    cache.failNext('del', outcome);
    expect(await strategy.debit?.('account:bob', 1000, fakeOp('p1'))).toEqual({ outcome: 'ok', value: 4000 });
    expect(db.value('account:bob')).toBe(4000);
    expect(cache.strings.get('account:bob')).toEqual({ value: '5000', ttlMs: deleteOnWrite.cacheTtlMs });
  });

  it.each(['fail', 'unknown'] as const)('passes a COMMIT that answers %s on and does not touch the cache', async (outcome) => {
    const { cache, db, trace, strategy } = setup(5000, 5000);
    db.failCommit(outcome);
    const op = fakeOp('p1', trace);
    const res = await strategy.debit?.('account:bob', 1000, op);
    expect(res?.outcome).toBe(outcome);
    expect(res?.error).toMatch(/^database debit: /);
    expect(op.points).toEqual([]);
    expect(trace.filter((line) => line.startsWith('cache'))).toEqual([]);
    expect(cache.value('account:bob')).toBe('5000');
  });

  it('answers fail when BEGIN fails, and does not touch the cache', async () => {
    const { cache, db, strategy } = setup(5000, 5000);
    db.failBegin();
    expect((await strategy.debit?.('account:bob', 1000, fakeOp('p1')))?.outcome).toBe('fail');
    expect(cache.value('account:bob')).toBe('5000');
    expect(db.tables.appliedOps.size).toBe(0);
  });
});

describe('delete-on-write read and write', () => {
  it('refills with the TTL on the read after a debit deleted the entry', async () => {
    const { cache, strategy } = setup(5000, 5000);
    await strategy.debit?.('account:bob', 1000, fakeOp('p1'));
    expect(await strategy.read('account:bob', fakeOp('r1'))).toEqual({ outcome: 'ok', value: 4000, cacheHit: false });
    expect(cache.strings.get('account:bob')).toEqual({ value: '4000', ttlMs: 30_000 });
  });

  it('writes the database, passes after-db-commit, deletes the cache entry, then passes after-cache-delete', async () => {
    const { cache, db, trace, strategy } = setup(150, 150);
    expect(await strategy.write?.('account:bob', 200, fakeOp('w1', trace))).toEqual({ outcome: 'ok', value: 200 });
    expect(trace).toEqual([`db ${UPDATE}`, 'point after-db-commit', 'cache del account:bob', 'point after-cache-delete']);
    expect(db.value('account:bob')).toBe(200);
    expect(cache.value('account:bob')).toBeUndefined();
  });

  it('answers ok for a write whose cache delete fails', async () => {
    const { cache, strategy } = setup(150, 150);
    cache.failNext('del', 'unknown');
    expect(await strategy.write?.('account:bob', 200, fakeOp('w1'))).toEqual({ outcome: 'ok', value: 200 });
    expect(cache.value('account:bob')).toBe('150');
  });

  it('does not touch the cache when the database write fails', async () => {
    const { cache, db, strategy } = setup(150, 150);
    db.failStatement(UPDATE, 'unknown');
    const op = fakeOp('w1');
    const res = await strategy.write?.('account:bob', 200, op);
    expect(res?.outcome).toBe('unknown');
    expect(res?.error).toMatch(/^database write: /);
    expect(op.points).toEqual([]);
    expect(cache.value('account:bob')).toBe('150');
  });
});
