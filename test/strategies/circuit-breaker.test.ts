import { afterEach, describe, expect, it, vi } from 'vitest';
import { circuitBreaker, guardCache } from '../../src/strategies/circuit-breaker.js';
import { fakeDeps, fakeOp } from './fakes.js';

const SELECT = 'SELECT value FROM records WHERE key = $1';
const settings = { timeoutMs: 100, failuresToOpen: 3, halfOpenAfterMs: 250 };

afterEach(() => {
  vi.useRealTimers();
});

describe('guardCache', () => {
  it('opens after the set number of consecutive failures; while open, commands answer fail without reaching the cache', async () => {
    const { cache, trace } = fakeDeps();
    const guarded = guardCache(cache, settings);
    cache.failNext('get', 'unknown').failNext('get', 'fail').failNext('get', 'unknown');
    for (let i = 0; i < 3; i++) expect((await guarded.cache.get('k')).outcome).not.toBe('ok');
    expect(guarded.state()).toBe('open');
    expect(guarded.opened).toBe(1);
    trace.length = 0;
    const skipped = await guarded.cache.get('k');
    expect(skipped.outcome === 'fail' && skipped.error).toMatch(/circuit breaker open/);
    expect(trace).toEqual([]);
  });

  it('a miss is a success: misses and hits never open it, and a success resets the count', async () => {
    const { cache } = fakeDeps();
    const guarded = guardCache(cache, settings);
    cache.failNext('get', 'fail').failNext('get', 'fail');
    await guarded.cache.get('k');
    await guarded.cache.get('k');
    expect(await guarded.cache.get('k')).toMatchObject({ outcome: 'ok', value: null });
    cache.failNext('get', 'fail').failNext('get', 'fail');
    await guarded.cache.get('k');
    await guarded.cache.get('k');
    expect(guarded.state()).toBe('closed');
  });

  it('a command that does not answer within the timeout answers unknown and counts as a failure', async () => {
    vi.useFakeTimers();
    const { cache } = fakeDeps();
    cache.get = () => new Promise(() => undefined);
    const guarded = guardCache(cache, settings);
    const answers = [guarded.cache.get('k'), guarded.cache.get('k'), guarded.cache.get('k')];
    await vi.advanceTimersByTimeAsync(settings.timeoutMs + 1);
    for (const answer of await Promise.all(answers)) {
      expect(answer).toEqual({ outcome: 'unknown', error: 'no answer from the cache within 100 ms' });
    }
    expect(guarded.state()).toBe('open');
  });

  it('after halfOpenAfterMs one probe goes through: a success closes it, a failure opens it again', async () => {
    vi.useFakeTimers();
    const { cache, trace } = fakeDeps();
    const guarded = guardCache(cache, settings);
    for (let i = 0; i < 3; i++) cache.failNext('get', 'fail');
    for (let i = 0; i < 3; i++) await guarded.cache.get('k');
    expect(guarded.state()).toBe('open');
    await vi.advanceTimersByTimeAsync(settings.halfOpenAfterMs + 1);
    cache.failNext('get', 'fail');
    trace.length = 0;
    expect((await guarded.cache.get('k')).outcome).toBe('fail');
    expect(trace).toEqual(['cache get k']);
    expect(guarded.state()).toBe('open');
    expect(guarded.opened).toBe(2);
    await vi.advanceTimersByTimeAsync(settings.halfOpenAfterMs + 1);
    cache.put('k', 1);
    expect(await guarded.cache.get('k')).toMatchObject({ outcome: 'ok', value: '1' });
    expect(guarded.state()).toBe('closed');
  });
});

describe('circuit-breaker read', () => {
  it('serves hits from the cache and fills misses, like cache-aside', async () => {
    const { cache, db, deps } = fakeDeps(30_000);
    db.record('a', 1);
    const strategy = circuitBreaker.create(deps);
    expect(await strategy.read('a', fakeOp('r1'))).toMatchObject({ outcome: 'ok', value: 1 });
    expect(cache.value('a')).toBe('1');
    expect(await strategy.read('a', fakeOp('r2'))).toMatchObject({ outcome: 'ok', value: 1 });
  });

  it('while the cache fails, a key it served before is answered from the last value served: no database query', async () => {
    const { cache, db, trace, deps } = fakeDeps(30_000);
    db.record('a', 2);
    cache.put('a', 1);
    const strategy = circuitBreaker.create(deps);
    expect(await strategy.read('a', fakeOp('r1'))).toMatchObject({ outcome: 'ok', value: 1 });
    trace.length = 0;
    cache.failNext('get', 'unknown');
    expect(await strategy.read('a', fakeOp('r2'))).toEqual({ outcome: 'ok', value: 1, cacheHit: true });
    expect(trace).toEqual(['cache get a']);
  });

  it('a write forgets the value it remembered', async () => {
    const { cache, db, deps } = fakeDeps(30_000);
    db.record('a', 1);
    const strategy = circuitBreaker.create(deps);
    await strategy.read('a', fakeOp('r1'));
    await strategy.write?.('a', 5, fakeOp('w1'));
    cache.failNext('get', 'fail');
    expect(await strategy.read('a', fakeOp('r2'))).toMatchObject({ outcome: 'ok', value: 5, cacheHit: false });
  });

  it('once the cache has failed enough, reads of keys it never served go straight to the database: no cache command, no fill', async () => {
    const { cache, db, trace, deps } = fakeDeps(30_000);
    db.record('a', 1);
    for (let i = 0; i < 6; i++) db.record(`k${i}`, i);
    const strategy = circuitBreaker.create(deps);
    for (let i = 0; i < 5; i++) cache.failNext('get', 'unknown');
    for (let i = 0; i < 5; i++) expect(await strategy.read(`k${i}`, fakeOp(`r${i}`))).toMatchObject({ outcome: 'ok', value: i });
    trace.length = 0;
    expect(await strategy.read('k5', fakeOp('r9'))).toMatchObject({ outcome: 'ok', value: 5 });
    expect(trace).toEqual([`db ${SELECT}`]);
    expect(cache.value('k5')).toBeUndefined();
  });
});
