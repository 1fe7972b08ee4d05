import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { diffStores } from '../../src/checkers/diff.js';
import { stalenessChecker } from '../../src/checkers/staleness.js';
import { LabStores } from '../../src/runner/stores.js';
import { sql } from '../stack/helpers.js';

// The final snapshot against the suite's real Redis and PostgreSQL, in a namespace of its own.
const redisUrl = inject('redisUrl');
const databaseUrl = inject('databaseUrl');
const tag = randomBytes(4).toString('hex');
const prefix = `cachelab:storestest_${tag}:`;
const schema = `cachelab_storestest_${tag}`;

describe('the final snapshot', () => {
  const redis = new Redis(redisUrl, { keyPrefix: prefix });
  const stores = new LabStores(redisUrl, databaseUrl, prefix, schema);

  beforeAll(async () => {
    await sql(databaseUrl, `CREATE SCHEMA ${schema}`);
    await stores.reset({ records: { 'price:book': 100 }, cached: ['price:book'] }, 0);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await new Redis(redisUrl).del(...keys);
    redis.disconnect();
    await stores.close();
    await sql(databaseUrl, `DROP SCHEMA ${schema} CASCADE`);
  });

  it('holds every key of the namespace and every order row: data that exists only in the cache shows up as cache-only', async () => {
    await redis.set('order:o1', 'paid', 'PX', 60_000); // a record the database never got
    await redis.sadd('orders:alice', 'o1', 'o2'); // a set the database has only one item of
    await sql(databaseUrl, `INSERT INTO ${schema}.set_items (key, item) VALUES ('orders:alice', 'o1')`);
    await redis.rpush('events', 'a', 'b'); // another type: shown by its content
    await redis.set('_meta:2pc:p1', 'price:book:-1'); // bookkeeping, not data
    await sql(databaseUrl, `INSERT INTO ${schema}.orders (op_id, item) VALUES ('o1', 'stock:widget'), ('o1', 'stock:widget')`);

    const snapshot = await stores.snapshot();
    expect(snapshot.cache).toEqual({
      'price:book': { value: '100', ttlMs: null },
      'order:o1': { value: 'paid', ttlMs: expect.any(Number) as number },
      events: { value: '["a","b"]', ttlMs: null },
    });
    expect(snapshot.sets).toEqual({ 'orders:alice': { db: ['o1'], cache: ['o1', 'o2'], ttlMs: null, rows: [{ item: 'o1', writtenAt: null }] } });
    expect(snapshot.orders).toEqual([
      { opId: 'o1', item: 'stock:widget' },
      { opId: 'o1', item: 'stock:widget' },
    ]);
    expect(snapshot.meta).toEqual({ '_meta:2pc:p1': { type: 'string', value: 'price:book:-1', ttlMs: null } });

    const diff = diffStores(snapshot, []);
    expect(diff.map((row) => [row.key, row.db, row.cache, row.status])).toEqual([
      ['events', null, '["a","b"]', 'cache-only'],
      ['order:o1', null, 'paid', 'cache-only'],
      ['orders:alice', 'o1', 'o1,o2', 'stale'],
      ['price:book', '100', '100', 'consistent'],
    ]);

    const check = stalenessChecker.check({ history: [], initial: { db: {} }, final: snapshot, finalAt: 0, displayOnlyKeys: [], stalenessBudgetMs: 0 });
    expect(check.verdict).toBe('inconsistent');
    expect(check.figures.staleKeys).toBe(3);
    expect(check.findings.join('\n')).not.toContain('_meta');
  });

  it('keeps every set_items row, an order written twice included, timed on the lab\'s clock through the database\'s', async () => {
    await stores.reset({ records: {}, cached: [] }, 0);
    const origin = performance.now();
    const now = (): number => performance.now() - origin;
    const start = await stores.readClock(now);
    await sql(databaseUrl, `INSERT INTO ${schema}.set_items (key, item) VALUES ('orders:bob', 'o1')`);
    const between = now();
    await sql(databaseUrl, `INSERT INTO ${schema}.set_items (key, item) VALUES ('orders:bob', 'o1'), ('orders:bob', 'o2')`);
    const after = now();

    const snapshot = await stores.snapshot({ now, start });
    const set = snapshot.sets['orders:bob'];
    expect(set?.db).toEqual(['o1', 'o2']);
    expect(set?.rows?.map((r) => r.item)).toEqual(['o1', 'o1', 'o2']);
    const [first, second] = set?.rows?.map((r) => r.writtenAt ?? NaN) ?? [];
    const error = snapshot.dbClockErrorMs ?? Infinity;
    expect(error).toBeLessThan(50);
    // Each row was written between the lab's readings around its INSERT, within the clock error.
    expect(first).toBeGreaterThan(start.labMs - error);
    expect(first).toBeLessThan(between + error);
    expect(second).toBeGreaterThan(between - error);
    expect(second).toBeLessThan(after + error);
  });
});
