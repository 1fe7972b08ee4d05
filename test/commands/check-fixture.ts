import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

/*
 * "The user's own stores" for `cachelab check` tests: a products table in a schema of the test's
 * own and cache keys under a prefix of its own, on the suite's Redis and PostgreSQL; removed by
 * cleanup(). Written with raw pg and ioredis, independently of the code under test.
 */

/** One product: its database row and what the cache holds for it. */
export interface ProductSpec {
  id: number;
  /** The doc column (jsonb); price is a numeric(10,2) column. */
  doc: Record<string, unknown>;
  price: number;
  /** String stored at product:<id>, a hash or a list, or nothing (missing). */
  cache?: string | { hash: Record<string, string> } | { list: string[] };
  /** ms; none: no TTL. */
  ttlMs?: number;
}

export class CheckFixture {
  readonly schema: string;
  readonly prefix: string;
  readonly redis: Redis;
  readonly db: pg.Client;

  private constructor(
    readonly redisUrl: string,
    readonly databaseUrl: string,
  ) {
    const id = randomBytes(4).toString('hex');
    this.schema = `checktest_${id}`;
    this.prefix = `checktest_${id}:`;
    this.redis = new Redis(redisUrl);
    this.db = new pg.Client({ connectionString: databaseUrl });
  }

  static async create(redisUrl: string, databaseUrl: string): Promise<CheckFixture> {
    const fixture = new CheckFixture(redisUrl, databaseUrl);
    await fixture.db.connect();
    await fixture.db.query(`CREATE SCHEMA ${fixture.schema}`);
    await fixture.db.query(`CREATE TABLE ${fixture.schema}.products (id int PRIMARY KEY, doc jsonb NOT NULL, price numeric(10, 2) NOT NULL)`);
    return fixture;
  }

  /** The cache key template of the doc column: <prefix>product:{key}. */
  get docKey(): string {
    return `${this.prefix}product:{key}`;
  }

  get docQuery(): string {
    return `SELECT id, doc FROM ${this.schema}.products`;
  }

  cacheKeyOf(id: number): string {
    return `${this.prefix}product:${id}`;
  }

  /** Replaces the table's rows and the prefix's keys with `products`. */
  async seed(products: ProductSpec[]): Promise<void> {
    await this.db.query(`TRUNCATE ${this.schema}.products`);
    await this.clearKeys();
    await this.db.query(
      `INSERT INTO ${this.schema}.products (id, doc, price) SELECT * FROM unnest($1::int[], $2::jsonb[], $3::numeric[])`,
      [products.map((p) => p.id), products.map((p) => JSON.stringify(p.doc)), products.map((p) => p.price)],
    );
    const pipeline = this.redis.pipeline();
    for (const p of products) {
      const key = this.cacheKeyOf(p.id);
      if (p.cache === undefined) continue;
      if (typeof p.cache === 'string') pipeline.set(key, p.cache);
      else if ('hash' in p.cache) pipeline.hset(key, p.cache.hash);
      else pipeline.rpush(key, ...p.cache.list);
      if (p.ttlMs !== undefined) pipeline.pexpire(key, p.ttlMs);
    }
    await pipeline.exec();
  }

  async clearKeys(): Promise<void> {
    const keys = await this.redis.keys(`${this.prefix}*`);
    if (keys.length > 0) await this.redis.del(...keys);
  }

  async rowCount(): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.schema}.products`);
    return Number(rows[0]?.n);
  }

  async cleanup(): Promise<void> {
    await this.clearKeys();
    await this.db.query(`DROP SCHEMA ${this.schema} CASCADE`);
    await this.db.end();
    this.redis.disconnect();
  }
}

/** A product's doc, and the same JSON with its keys in another order (what a cache may hold). */
export const docOf = (id: number, price = id * 10): Record<string, unknown> => ({ price, name: `p${id}`, tags: ['a', 'b'] });
export const reordered = (id: number, price = id * 10): string => JSON.stringify({ tags: ['a', 'b'], name: `p${id}`, price });

/**
 * `count` products, all cached with their keys reordered (equal as JSON, not as text), except the
 * first `differing`, whose cached price is one more than the database's.
 */
export function catalogue(count: number, differing: number, ttlMs?: number): ProductSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const id = i + 1;
    return { id, doc: docOf(id), price: id * 10, cache: reordered(id, id <= differing ? id * 10 + 1 : id * 10), ...(ttlMs === undefined ? {} : { ttlMs }) };
  });
}
