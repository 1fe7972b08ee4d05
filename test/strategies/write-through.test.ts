import { describe, expect, it } from 'vitest';
import { writeThrough } from '../../src/strategies/write-through.js';
import { fakeDeps, fakeOp } from './fakes.js';

const UPDATE = 'UPDATE records SET value = $2 WHERE key = $1';
const LEDGER = 'INSERT INTO ledger (op_id, key, amount) VALUES ($1, $2, $3)';

function setup(cached: number | undefined, stored: number) {
  const fakes = fakeDeps(writeThrough.cacheTtlMs);
  if (cached !== undefined) fakes.cache.put('account:bob', cached);
  fakes.db.record('account:bob', stored);
  return { ...fakes, strategy: writeThrough.create(fakes.deps) };
}

describe('write-through debit', () => {
  it('authorizes from a stale cached balance: 5000 cached, 4000 in the database, a 5000 debit goes through and writes 0', async () => {
    const { cache, db, strategy } = setup(5000, 4000);
    expect(await strategy.debit?.('account:bob', 5000, fakeOp('p1'))).toEqual({ outcome: 'ok', value: 0 });
    expect(db.value('account:bob')).toBe(0);
    expect(db.tables.ledger).toEqual([{ opId: 'p1', key: 'account:bob', amount: 5000, status: 'applied' }]);
    expect(cache.value('account:bob')).toBe('0');
  });

  it('writes the balance computed from the cache, then the cache, passing its fault points in order', async () => {
    const { trace, strategy } = setup(5000, 5000);
    const op = fakeOp('p1', trace);
    expect(await strategy.debit?.('account:bob', 1000, op)).toEqual({ outcome: 'ok', value: 4000 });
    expect(trace).toEqual([
      'cache get account:bob',
      'point after-cache-read',
      'db BEGIN',
      `db ${UPDATE}`,
      `db ${LEDGER}`,
      'db COMMIT',
      'point after-db-commit',
      'cache set account:bob 4000',
    ]);
  });

  it('on a cache miss authorizes from the database and fills the cache first', async () => {
    const { cache, db, strategy } = setup(undefined, 3000);
    const op = fakeOp('p1');
    expect(await strategy.debit?.('account:bob', 1000, op)).toEqual({ outcome: 'ok', value: 2000 });
    expect(op.points).toEqual(['after-fill-read', 'after-db-commit']);
    expect(db.value('account:bob')).toBe(2000);
    expect(cache.strings.get('account:bob')).toEqual({ value: '2000', ttlMs: null });
  });

  it('declines from the cached balance without writing anything', async () => {
    const { cache, db, trace, strategy } = setup(100, 5000);
    expect(await strategy.debit?.('account:bob', 200, fakeOp('p1', trace))).toEqual({
      outcome: 'fail',
      error: 'declined: balance 100 < 200',
    });
    expect(trace.filter((line) => line.startsWith('db'))).toEqual([]);
    expect(db.value('account:bob')).toBe(5000);
    expect(cache.value('account:bob')).toBe('100');
  });

  it.each(['fail', 'unknown'] as const)(
    'reports fail when the cache SET after the commit answers %s, although the database kept the payment',
    async (outcome) => {
      const { cache, db, strategy } = setup(5000, 5000);
      cache.failNext('set', outcome);
      const res = await strategy.debit?.('account:bob', 1000, fakeOp('p1'));
      expect(res?.outcome).toBe('fail');
      expect(res?.error).toMatch(/^payment failed: cache SET after database commit: /);
      expect(db.value('account:bob')).toBe(4000);
      expect(db.tables.ledger).toHaveLength(1);
      expect(cache.value('account:bob')).toBe('5000');
    },
  );

  it.each(['fail', 'unknown'] as const)('passes a COMMIT that answers %s on and leaves the cache alone', async (outcome) => {
    const { cache, db, strategy } = setup(5000, 5000);
    db.failCommit(outcome);
    const op = fakeOp('p1');
    const res = await strategy.debit?.('account:bob', 1000, op);
    expect(res?.outcome).toBe(outcome);
    expect(res?.error).toMatch(/^database: /);
    expect(op.points).toEqual(['after-cache-read']);
    expect(cache.value('account:bob')).toBe('5000');
  });

  it('commits nothing when the ledger insert fails inside the transaction', async () => {
    const { db, strategy } = setup(5000, 5000);
    db.failStatement(LEDGER, 'unknown');
    const res = await strategy.debit?.('account:bob', 1000, fakeOp('p1'));
    // Inside a transaction the driver answers fail for any statement error: it was rolled back.
    expect(res?.outcome).toBe('fail');
    expect(db.value('account:bob')).toBe(5000);
    expect(db.tables.ledger).toEqual([]);
  });
});

describe('write-through write', () => {
  it('writes the database, then the cache, passing after-db-commit between and after-cache-write last', async () => {
    const { cache, db, trace, strategy } = setup(150, 150);
    expect(await strategy.write?.('account:bob', 200, fakeOp('w1', trace))).toEqual({ outcome: 'ok', value: 200 });
    expect(trace).toEqual([`db ${UPDATE}`, 'point after-db-commit', 'cache set account:bob 200', 'point after-cache-write']);
    expect(db.value('account:bob')).toBe(200);
    expect(cache.value('account:bob')).toBe('200');
  });

  it.each(['fail', 'unknown'] as const)('answers %s when the cache SET after the commit does, the database keeping the value', async (outcome) => {
    const { cache, db, strategy } = setup(150, 150);
    cache.failNext('set', outcome);
    const res = await strategy.write?.('account:bob', 200, fakeOp('w1'));
    expect(res?.outcome).toBe(outcome);
    expect(res?.error).toMatch(/^cache SET after database commit: /);
    expect(db.value('account:bob')).toBe(200);
    expect(cache.value('account:bob')).toBe('150');
  });

  it('does not touch the cache when the database write fails', async () => {
    const { cache, db, trace, strategy } = setup(150, 150);
    db.failStatement(UPDATE, 'fail');
    const op = fakeOp('w1', trace);
    expect((await strategy.write?.('account:bob', 200, op))?.outcome).toBe('fail');
    expect(op.points).toEqual([]);
    expect(trace.filter((line) => line.startsWith('cache'))).toEqual([]);
    expect(cache.value('account:bob')).toBe('150');
  });
});
