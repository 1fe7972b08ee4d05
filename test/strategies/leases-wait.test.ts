import { describe, expect, it } from 'vitest';
import { leaseKey } from '../../src/strategies/leases.js';
import { leaseWaitRead } from '../../src/strategies/leases-wait.js';
import { fakeDeps, fakeOp } from './fakes.js';

const SELECT = 'SELECT value FROM records WHERE key = $1';
const dbReads = (trace: string[]): number => trace.filter((line) => line === `db ${SELECT}`).length;

describe('leases-wait read', () => {
  it('the reader that gets the lease looks at the cache again, then reads the database and fills with its token', async () => {
    const { db, trace, deps } = fakeDeps(30_000);
    db.record('hot', 5);
    expect(await leaseWaitRead(deps, 'hot', fakeOp('r1', trace))).toMatchObject({ outcome: 'ok', value: 5 });
    expect(trace).toEqual([
      'cache get hot',
      expect.stringMatching(/^cache setIfAbsent _meta:lease:hot r1:\S+ px 5000$/),
      'cache get hot',
      `db ${SELECT}`,
      'point after-fill-read',
      'cache evalScript hot _meta:lease:hot',
    ]);
  });

  it('a reader that finds the lease taken waits for the holder\'s fill and queries nothing', async () => {
    const { cache, db, trace, deps } = fakeDeps(30_000);
    db.record('hot', 5);
    cache.put(leaseKey('hot'), 'holder');
    const get = cache.get.bind(cache);
    let gets = 0;
    cache.get = (key) => {
      if (++gets === 3) cache.put('hot', 5);
      return get(key);
    };
    expect(await leaseWaitRead(deps, 'hot', fakeOp('r2'))).toMatchObject({ outcome: 'ok', value: 5 });
    expect(dbReads(trace)).toBe(0);
    expect(gets).toBe(3);
  });

  it('gives up waiting after its bound and reads the database without filling', async () => {
    const { cache, db, trace, deps } = fakeDeps(30_000);
    db.record('hot', 5);
    cache.put(leaseKey('hot'), 'holder');
    expect(await leaseWaitRead(deps, 'hot', fakeOp('r2'), 20)).toMatchObject({ outcome: 'ok', value: 5 });
    expect(dbReads(trace)).toBe(1);
    expect(cache.value('hot')).toBeUndefined();
  });

  it('a lease granted just after another holder filled finds the value on its second look, gives the lease back, and queries nothing', async () => {
    const { cache, db, trace, deps } = fakeDeps(30_000);
    db.record('hot', 5);
    const get = cache.get.bind(cache);
    let gets = 0;
    cache.get = (key) => {
      if (++gets === 2) cache.put('hot', 5);
      return get(key);
    };
    expect(await leaseWaitRead(deps, 'hot', fakeOp('r3', trace))).toMatchObject({ outcome: 'ok', value: 5 });
    expect(dbReads(trace)).toBe(0);
    expect(trace.at(-1)).toBe('cache evalScript _meta:lease:hot');
  });

  it.each(['fail', 'unknown'] as const)('with the cache answering %s, it reads the database and takes no lease', async (outcome) => {
    const { cache, db, trace, deps } = fakeDeps(30_000);
    db.record('hot', 5);
    cache.failNext('get', outcome);
    expect(await leaseWaitRead(deps, 'hot', fakeOp('r1'))).toMatchObject({ outcome: 'ok', value: 5 });
    expect(trace.filter((l) => l.includes('setIfAbsent'))).toEqual([]);
  });
});
