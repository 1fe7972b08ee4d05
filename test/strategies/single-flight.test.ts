import { describe, expect, it } from 'vitest';
import { SingleFlight, singleFlight } from '../../src/strategies/single-flight.js';
import { fakeDeps, fakeOp } from './fakes.js';

const SELECT = 'SELECT value FROM records WHERE key = $1';
const dbReads = (trace: string[]): number => trace.filter((line) => line === `db ${SELECT}`).length;

describe('SingleFlight', () => {
  it('runs one call per key at a time: callers meanwhile share its answer; a later caller starts afresh', async () => {
    const flights = new SingleFlight<number>();
    let calls = 0;
    let release: (v: number) => void = () => undefined;
    const fn = (): Promise<number> => {
      calls++;
      return new Promise((resolve) => (release = resolve));
    };
    const first = flights.run('k', fn);
    const second = flights.run('k', fn);
    const other = flights.run('j', () => Promise.resolve(7));
    expect(flights.size).toBe(2);
    release(42);
    expect(await Promise.all([first, second, other])).toEqual([42, 42, 7]);
    expect(calls).toBe(1);
    expect(flights.size).toBe(0);
    void flights.run('k', fn);
    release(43);
    expect(calls).toBe(2);
  });

  it('shares a rejection too, then forgets it', async () => {
    const flights = new SingleFlight<number>();
    const failing = flights.run('k', () => Promise.reject(new Error('boom')));
    await expect(flights.run('k', () => Promise.resolve(1))).rejects.toThrow('boom');
    await expect(failing).rejects.toThrow('boom');
    expect(await flights.run('k', () => Promise.resolve(2))).toBe(2);
  });
});

describe('single-flight read', () => {
  it('ten concurrent misses of one key read the database once and fill once', async () => {
    const { cache, db, trace, deps } = fakeDeps(30_000);
    db.record('hot', 5);
    const strategy = singleFlight.create(deps);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => strategy.read(`hot`, fakeOp(`r${i}`))));
    expect(answers.every((a) => a.outcome === 'ok' && a.value === 5)).toBe(true);
    expect(dbReads(trace)).toBe(1);
    expect(trace.filter((line) => line.startsWith('cache set'))).toEqual(['cache set hot 5 px 30000']);
    expect(cache.value('hot')).toBe('5');
  });

  it('misses of different keys do not wait for each other', async () => {
    const { db, trace, deps } = fakeDeps(30_000);
    db.record('a', 1).record('b', 2);
    const strategy = singleFlight.create(deps);
    expect(await Promise.all([strategy.read('a', fakeOp('r1')), strategy.read('b', fakeOp('r2'))])).toMatchObject([
      { outcome: 'ok', value: 1 },
      { outcome: 'ok', value: 2 },
    ]);
    expect(dbReads(trace)).toBe(2);
  });

  it('the fill looks at the cache once more: a value filled since the miss is served without a query', async () => {
    const { cache, db, trace, deps } = fakeDeps(30_000);
    db.record('hot', 5);
    const get = cache.get.bind(cache);
    let gets = 0;
    // Another process fills between this reader's miss and its flight's own look.
    cache.get = (key) => {
      if (++gets === 2) cache.put('hot', 6);
      return get(key);
    };
    expect(await singleFlight.create(deps).read('hot', fakeOp('r1'))).toMatchObject({ outcome: 'ok', value: 6 });
    expect(dbReads(trace)).toBe(0);
    expect(gets).toBe(2);
  });

  it.each(['fail', 'unknown'] as const)('with the cache answering %s, each read goes to the database and nothing is filled', async (outcome) => {
    const { cache, db, trace, deps } = fakeDeps(30_000);
    db.record('hot', 5);
    cache.failNext('get', outcome).failNext('get', outcome);
    const strategy = singleFlight.create(deps);
    expect(await Promise.all([strategy.read('hot', fakeOp('r1')), strategy.read('hot', fakeOp('r2'))])).toMatchObject([
      { outcome: 'ok', value: 5 },
      { outcome: 'ok', value: 5 },
    ]);
    expect(dbReads(trace)).toBe(2);
    expect(cache.value('hot')).toBeUndefined();
  });
});
