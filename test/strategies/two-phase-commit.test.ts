import { describe, expect, it } from 'vitest';
import { twoPhaseCommit } from '../../src/strategies/two-phase-commit.js';
import { fakeDeps, fakeOp } from './fakes.js';

const LOCK = 'SELECT value FROM records WHERE key = $1 FOR UPDATE';
const DEBIT = 'UPDATE records SET value = value - $2 WHERE key = $1';
const LEDGER = 'INSERT INTO ledger (op_id, key, amount) VALUES ($1, $2, $3)';
const INTENT = '_meta:2pc:p1';

function setup(cached: number | undefined, stored: number | undefined) {
  const fakes = fakeDeps(twoPhaseCommit.cacheTtlMs);
  if (cached !== undefined) fakes.cache.put('account:bob', cached);
  if (stored !== undefined) fakes.db.record('account:bob', stored);
  return { ...fakes, strategy: twoPhaseCommit.create(fakes.deps) };
}

describe('two-phase-commit debit', () => {
  it('prepares an intent in the cache and a locked debit in the database, commits, then sets the balance and drops the intent in one MULTI', async () => {
    const { cache, db, trace, strategy } = setup(5000, 5000);
    const atCommit: { intent?: string; committed?: number } = {};
    const op = fakeOp('p1', trace, {
      'after-db-commit': () => {
        atCommit.intent = cache.value(INTENT);
        atCommit.committed = db.value('account:bob');
      },
    });
    expect(await strategy.debit?.('account:bob', 1000, op)).toEqual({ outcome: 'ok', value: 4000 });
    expect(trace).toEqual([
      `cache setIfAbsent ${INTENT} account:bob:-1000`,
      'db BEGIN',
      `db ${LOCK}`,
      `db ${DEBIT}`,
      `db ${LEDGER}`,
      'db COMMIT',
      'point after-db-commit',
      `cache atomically set account:bob 4000; del ${INTENT}`,
    ]);
    expect(atCommit).toEqual({ intent: 'account:bob:-1000', committed: 4000 });
    expect(cache.value(INTENT)).toBeUndefined();
    expect(cache.value('account:bob')).toBe('4000');
    expect(db.tables.ledger).toEqual([{ opId: 'p1', key: 'account:bob', amount: 1000, status: 'applied' }]);
  });

  it('declines from the database balance under the row lock, even when the cache shows enough, and removes its intent', async () => {
    const { cache, db, trace, strategy } = setup(5000, 1000);
    expect(await strategy.debit?.('account:bob', 3000, fakeOp('p1', trace))).toEqual({
      outcome: 'fail',
      error: 'declined: balance 1000 < 3000',
    });
    expect(trace).toEqual([
      `cache setIfAbsent ${INTENT} account:bob:-3000`,
      'db BEGIN',
      `db ${LOCK}`,
      'db ROLLBACK',
      `cache del ${INTENT}`,
    ]);
    expect(db.value('account:bob')).toBe(1000);
    expect(db.tables.ledger).toEqual([]);
    expect(cache.value(INTENT)).toBeUndefined();
    expect(cache.value('account:bob')).toBe('5000');
  });

  it('debits from the database balance when the cache shows too little', async () => {
    const { cache, db, strategy } = setup(100, 5000);
    expect(await strategy.debit?.('account:bob', 3000, fakeOp('p1'))).toEqual({ outcome: 'ok', value: 2000 });
    expect(db.value('account:bob')).toBe(2000);
    expect(cache.value('account:bob')).toBe('2000');
  });

  it('declines an account the database does not have as a balance of 0', async () => {
    const { strategy } = setup(5000, undefined);
    expect(await strategy.debit?.('account:bob', 1, fakeOp('p1'))).toEqual({ outcome: 'fail', error: 'declined: balance 0 < 1' });
  });

  it.each(['fail', 'unknown'] as const)(
    'answers ok when the final cache MULTI answers %s: the payment stands, the cache keeps the old balance and the intent',
    async (outcome) => {
      const { cache, db, strategy } = setup(5000, 5000);
      cache.failNext('atomically', outcome);
      expect(await strategy.debit?.('account:bob', 1000, fakeOp('p1'))).toEqual({ outcome: 'ok', value: 4000 });
      expect(db.value('account:bob')).toBe(4000);
      expect(cache.value('account:bob')).toBe('5000');
      expect(cache.value(INTENT)).toBe('account:bob:-1000');
    },
  );

  it('refuses an op whose intent already exists, without touching the database', async () => {
    const { cache, db, trace, strategy } = setup(5000, 5000);
    cache.put(INTENT, 'account:bob:-1000');
    const res = await strategy.debit?.('account:bob', 1000, fakeOp('p1', trace));
    expect(res).toEqual({ outcome: 'fail', error: `prepare (cache): intent ${INTENT} already exists` });
    expect(trace.filter((line) => line.startsWith('db'))).toEqual([]);
    expect(db.value('account:bob')).toBe(5000);
  });

  it.each(['fail', 'unknown'] as const)('passes a cache prepare that answers %s on, without touching the database', async (outcome) => {
    const { cache, trace, strategy } = setup(5000, 5000);
    cache.failNext('setIfAbsent', outcome);
    const res = await strategy.debit?.('account:bob', 1000, fakeOp('p1', trace));
    expect(res?.outcome).toBe(outcome);
    expect(res?.error).toMatch(/^prepare \(cache\): /);
    expect(trace.filter((line) => line.startsWith('db'))).toEqual([]);
  });

  it('removes its intent when BEGIN fails, and answers fail', async () => {
    const { cache, db, strategy } = setup(5000, 5000);
    db.failBegin();
    const res = await strategy.debit?.('account:bob', 1000, fakeOp('p1'));
    expect(res?.outcome).toBe('fail');
    expect(res?.error).toMatch(/^prepare \(database\): /);
    expect(cache.value(INTENT)).toBeUndefined();
  });

  it('rolls back and removes its intent when a prepare statement fails', async () => {
    const { cache, db, strategy } = setup(5000, 5000);
    db.failStatement(LEDGER, 'fail');
    const res = await strategy.debit?.('account:bob', 1000, fakeOp('p1'));
    expect(res?.outcome).toBe('fail');
    expect(res?.error).toMatch(/^prepare \(database\): /);
    expect(db.value('account:bob')).toBe(5000);
    expect(db.tables.ledger).toEqual([]);
    expect(cache.value(INTENT)).toBeUndefined();
  });

  it.each(['fail', 'unknown'] as const)(
    'passes a COMMIT that answers %s on, removes its intent and leaves the cached balance',
    async (outcome) => {
      const { cache, db, strategy } = setup(5000, 5000);
      db.failCommit(outcome, { applied: outcome === 'unknown' });
      const op = fakeOp('p1');
      const res = await strategy.debit?.('account:bob', 1000, op);
      expect(res?.outcome).toBe(outcome);
      expect(res?.error).toMatch(/^commit \(database\): /);
      expect(op.points).toEqual([]);
      expect(cache.value(INTENT)).toBeUndefined();
      expect(cache.value('account:bob')).toBe('5000');
      expect(db.value('account:bob')).toBe(outcome === 'unknown' ? 4000 : 5000);
    },
  );
});
