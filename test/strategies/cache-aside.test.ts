import { describe, expect, it } from 'vitest';
import { authorizeFromCache, cacheAside, cacheAsideRead } from '../../src/strategies/cache-aside.js';
import { fakeDeps, fakeOp } from './fakes.js';

const SELECT = 'SELECT value FROM records WHERE key = $1';

describe('cache-aside read', () => {
  it('serves a cached value without asking the database, passing after-cache-read', async () => {
    const { cache, db, trace, deps } = fakeDeps(30_000);
    cache.put('price:book', 150);
    db.record('price:book', 200);
    const op = fakeOp('r1', trace);
    expect(await cacheAsideRead(deps, 'price:book', op)).toEqual({ outcome: 'ok', value: 150, cacheHit: true });
    expect(trace).toEqual(['cache get price:book', 'point after-cache-read']);
  });

  it('on a miss reads the database, passes after-fill-read, then fills the cache with the TTL', async () => {
    const { cache, db, trace, deps } = fakeDeps(30_000);
    db.record('price:book', 150);
    const op = fakeOp('r1', trace);
    expect(await cacheAsideRead(deps, 'price:book', op)).toEqual({ outcome: 'ok', value: 150, cacheHit: false });
    expect(trace).toEqual(['cache get price:book', `db ${SELECT}`, 'point after-fill-read', 'cache set price:book 150 px 30000']);
    expect(cache.strings.get('price:book')).toEqual({ value: '150', ttlMs: 30_000 });
  });

  it('fills without expiry when the TTL is 0', async () => {
    const { cache, db, deps } = fakeDeps(0);
    db.record('price:book', 150);
    await cacheAsideRead(deps, 'price:book', fakeOp('r1'));
    expect(cache.strings.get('price:book')).toEqual({ value: '150', ttlMs: null });
  });

  it('answers null for a key in neither store, and fills nothing', async () => {
    const { cache, deps } = fakeDeps(30_000);
    const op = fakeOp('r1');
    expect(await cacheAsideRead(deps, 'price:none', op)).toEqual({ outcome: 'ok', value: null, cacheHit: false });
    expect(cache.strings.size).toBe(0);
    expect(op.points).toEqual([]);
  });

  it.each(['fail', 'unknown'] as const)('serves from the database and does not fill when the cache read answers %s', async (outcome) => {
    const { cache, db, trace, deps } = fakeDeps(30_000);
    db.record('price:book', 150);
    cache.failNext('get', outcome);
    const op = fakeOp('r1', trace);
    expect(await cacheAsideRead(deps, 'price:book', op)).toEqual({ outcome: 'ok', value: 150, cacheHit: false });
    expect(trace.filter((line) => line.startsWith('cache'))).toEqual(['cache get price:book']);
    expect(cache.value('price:book')).toBeUndefined();
    expect(op.points).toEqual(['after-fill-read']);
  });

  it.each(['fail', 'unknown'] as const)('passes a database read that answers %s on, naming the step', async (outcome) => {
    const { db, deps } = fakeDeps(30_000);
    db.record('price:book', 150).failStatement(SELECT, outcome);
    const read = await cacheAsideRead(deps, 'price:book', fakeOp('r1'));
    expect(read.outcome).toBe(outcome);
    expect(read.error).toMatch(/^database read: /);
  });

  it('still answers the database value when the fill SET fails', async () => {
    const { cache, db, deps } = fakeDeps(30_000);
    db.record('price:book', 150);
    cache.failNext('set', 'fail');
    expect(await cacheAsideRead(deps, 'price:book', fakeOp('r1'))).toEqual({ outcome: 'ok', value: 150, cacheHit: false });
    expect(cache.value('price:book')).toBeUndefined();
  });
});

describe('authorization from the cache', () => {
  it('declines from the cached balance even when the database holds enough', async () => {
    const { cache, db, deps } = fakeDeps();
    cache.put('account:bob', 100);
    db.record('account:bob', 5000);
    expect(await authorizeFromCache(deps, 'account:bob', 200, fakeOp('p1'))).toEqual({
      outcome: 'fail',
      error: 'declined: balance 100 < 200',
    });
  });

  it('authorizes against the cached balance, stale or not', async () => {
    const { cache, db, deps } = fakeDeps();
    cache.put('account:bob', 5000);
    db.record('account:bob', 4000);
    expect(await authorizeFromCache(deps, 'account:bob', 5000, fakeOp('p1'))).toEqual({ balance: 5000 });
  });

  it('refuses a key that exists in neither store', async () => {
    const { deps } = fakeDeps();
    expect(await authorizeFromCache(deps, 'account:nobody', 1, fakeOp('p1'))).toEqual({
      outcome: 'fail',
      error: 'no such record: account:nobody',
    });
  });
});

describe('cache-aside write', () => {
  it('writes the database only and leaves the cached value as it was (no invalidation)', async () => {
    const { cache, db, trace, deps } = fakeDeps(30_000);
    cache.put('price:book', 150, 30_000);
    db.record('price:book', 150);
    const strategy = cacheAside.create(deps);
    const op = fakeOp('w1', trace);
    expect(await strategy.write?.('price:book', 200, op)).toEqual({ outcome: 'ok', value: 200 });
    expect(db.value('price:book')).toBe(200);
    expect(cache.value('price:book')).toBe('150');
    expect(trace).toEqual(['db UPDATE records SET value = $2 WHERE key = $1']);
    expect(op.points).toEqual([]);
  });

  it.each(['fail', 'unknown'] as const)('passes a database write that answers %s on', async (outcome) => {
    const { db, deps } = fakeDeps(30_000);
    db.record('price:book', 150).failStatement('UPDATE records SET value = $2 WHERE key = $1', outcome);
    const res = await cacheAside.create(deps).write?.('price:book', 200, fakeOp('w1'));
    expect(res?.outcome).toBe(outcome);
    expect(res?.error).toMatch(/^database write: /);
    expect(db.value('price:book')).toBe(150);
  });

  it('offers no debit', () => {
    expect('debit' in cacheAside.create(fakeDeps().deps)).toBe(false);
  });
});
