import { describe, expect, it } from 'vitest';
import { WARM_LOCK, WARM_MARK, WARM_QUERY, WarmState, warming, warmingRead } from '../../src/strategies/warming.js';
import { fakeDeps, fakeOp } from './fakes.js';

const SELECT = 'SELECT value FROM records WHERE key = $1';
const count = (trace: string[], line: string): number => trace.filter((l) => l === line).length;

/** A warming strategy that has served keys a..e from a warm cache, then sees the cache come back empty. */
async function afterRestart() {
  const fakes = fakeDeps(30_000);
  const keys = ['a', 'b', 'c', 'd', 'e'];
  keys.forEach((key, i) => fakes.db.record(key, i));
  keys.forEach((key, i) => fakes.cache.put(key, i));
  fakes.cache.put(WARM_MARK, 1);
  const strategy = warming.create(fakes.deps);
  for (const key of keys) await strategy.read(key, fakeOp(`w${key}`));
  await fakes.cache.clear();
  fakes.trace.length = 0;
  return { ...fakes, keys, strategy };
}

describe('warming read', () => {
  it('a cache that came back empty is warmed with every hot key in one query; concurrent misses wait for it and query nothing', async () => {
    const { cache, trace, keys, strategy } = await afterRestart();
    const answers = await Promise.all(keys.map((key, i) => strategy.read(key, fakeOp(`r${i}`))));
    expect(answers).toMatchObject(keys.map((_, i) => ({ outcome: 'ok', value: i })));
    expect(count(trace, `db ${WARM_QUERY}`)).toBe(1);
    expect(count(trace, `db ${SELECT}`)).toBe(0);
    for (const [i, key] of keys.entries()) expect(cache.strings.get(key)).toEqual({ value: String(i), ttlMs: 30_000 });
    expect(cache.value(WARM_MARK)).toBeDefined();
    expect(cache.value(WARM_LOCK)).toBeUndefined();
  });

  it('a miss while the mark is there is a plain cache-aside miss: one query, one fill, no warming', async () => {
    const { cache, db, trace, strategy } = await afterRestart();
    cache.put(WARM_MARK, 1);
    db.record('z', 9);
    expect(await strategy.read('z', fakeOp('r1'))).toMatchObject({ outcome: 'ok', value: 9 });
    expect(count(trace, `db ${SELECT}`)).toBe(1);
    expect(count(trace, `db ${WARM_QUERY}`)).toBe(0);
    expect(cache.value('z')).toBe('9');
  });

  it('a key outside the hot set is read after the warming like any miss', async () => {
    const { db, trace, strategy } = await afterRestart();
    db.record('cold', 7);
    expect(await strategy.read('cold', fakeOp('r1'))).toMatchObject({ outcome: 'ok', value: 7 });
    expect(count(trace, `db ${WARM_QUERY}`)).toBe(1);
    expect(count(trace, `db ${SELECT}`)).toBe(1);
  });

  it('when another process holds the warming lock, it waits for that process\'s mark instead of querying', async () => {
    const { cache, trace, strategy } = await afterRestart();
    cache.put(WARM_LOCK, 'other');
    const get = cache.get.bind(cache);
    let looks = 0;
    cache.get = (key) => {
      if (key === WARM_MARK && ++looks === 3) {
        cache.put('a', 0).put(WARM_MARK, 1);
      }
      return get(key);
    };
    expect(await strategy.read('a', fakeOp('r1'))).toMatchObject({ outcome: 'ok', value: 0 });
    expect(count(trace, `db ${WARM_QUERY}`)).toBe(0);
    expect(count(trace, `db ${SELECT}`)).toBe(0);
  });

  it('a failed warming query sets no mark and frees the lock; the miss is served from the database', async () => {
    const { cache, db, strategy } = await afterRestart();
    db.failStatement(WARM_QUERY, 'fail');
    expect(await strategy.read('a', fakeOp('r1'))).toMatchObject({ outcome: 'ok', value: 0 });
    expect(cache.value(WARM_MARK)).toBeUndefined();
    expect(cache.value(WARM_LOCK)).toBeUndefined();
  });

  it.each(['fail', 'unknown'] as const)('a cache that answers %s is looked at again until it answers: then the read goes on there, no query', async (outcome) => {
    const { cache, trace, strategy } = await afterRestart();
    cache.put(WARM_MARK, 1).put('a', 0);
    cache.failNext('get', outcome).failNext('get', outcome);
    expect(await strategy.read('a', fakeOp('r1'))).toMatchObject({ outcome: 'ok', value: 0, cacheHit: true });
    expect(count(trace, 'cache get a')).toBe(3);
    expect(count(trace, `db ${SELECT}`)).toBe(0);
  });

  it('past its wait, a read of a cache that still does not answer goes to the database and warms nothing', async () => {
    const { cache, deps, trace } = await afterRestart();
    cache.get = () => Promise.resolve({ outcome: 'unknown', error: 'no reply' });
    expect(await warmingRead(deps, new WarmState(), 'a', fakeOp('r1'), 30)).toMatchObject({ outcome: 'ok', value: 0, cacheHit: false });
    expect(count(trace, `db ${SELECT}`)).toBe(1);
    expect(count(trace, `db ${WARM_QUERY}`)).toBe(0);
  });
});
