import type { InitialState, StoreSnapshot } from '../checkers/checker.js';
import { createDbDriver, defaultPgSettings, type DbDriver } from '../drivers/postgres.js';
import { createRedisDriver, defaultRedisSettings, LAB_PREFIX, META_PREFIX, type RedisDriver } from '../drivers/redis.js';
import { must } from '../drivers/result.js';
import type { ScenarioSetup } from './scenario.js';

/** The tables every strategy works on, inside the run's own schema. */
const ddl = [
  // version: bumped with the value by strategies that version their cache writes (versioned);
  // the others never touch it, and nothing the checkers read depends on it.
  'CREATE TABLE IF NOT EXISTS records (key text PRIMARY KEY, value bigint NOT NULL, version bigint NOT NULL DEFAULT 0)',
  // Not unique on op_id: a naive strategy can apply a payment twice, and the checker must see it.
  `CREATE TABLE IF NOT EXISTS ledger (id bigserial PRIMARY KEY, op_id text NOT NULL, key text NOT NULL,
     amount bigint NOT NULL, status text NOT NULL DEFAULT 'applied', at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  'CREATE TABLE IF NOT EXISTS applied_ops (op_id text PRIMARY KEY)',
  'CREATE TABLE IF NOT EXISTS set_items (key text NOT NULL, item text NOT NULL, PRIMARY KEY (key, item))',
  // One row per unit sold; its stock is the records row named by `item`. Not unique on op_id, so
  // an order recorded twice shows up.
  `CREATE TABLE IF NOT EXISTS orders (id bigserial PRIMARY KEY, op_id text NOT NULL, item text NOT NULL,
     at timestamptz NOT NULL DEFAULT clock_timestamp())`,
];

/**
 * The lab's own view of the real stores: direct connections (not through the fault proxy), used to
 * set a scenario up and to read the final state the checkers judge. Confined to the run's
 * namespace: the Redis key prefix and the PostgreSQL schema.
 */
export class LabStores {
  readonly cache: RedisDriver;
  readonly db: DbDriver;

  constructor(redisUrl: string, databaseUrl: string, keyPrefix: string, schema: string) {
    // Patient settings: the lab reads after the heal phase and must not mistake a reconnect for data.
    this.cache = createRedisDriver(redisUrl, keyPrefix, { ...defaultRedisSettings, maxRetriesPerRequest: 5, commandTimeoutMs: 5000 });
    this.db = createDbDriver(databaseUrl, schema, { ...defaultPgSettings, poolMax: 2, queryTimeoutMs: 10_000 });
  }

  /** Creates the tables (idempotent), empties every table of the schema, and puts the scenario's starting state in both stores. */
  async reset(setup: ScenarioSetup, cacheTtlMs: number): Promise<InitialState> {
    for (const sql of ddl) must(await this.db.query(sql), 'create the tables');
    // Every table of the run's schema, a strategy module's own included: each run starts empty.
    const tables = must(await this.db.query<{ name: string }>('SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = current_schema()'), 'list the tables');
    must(await this.db.query(`TRUNCATE ${tables.map((t) => t.name).join(', ')}`), 'empty the tables');
    must(await this.cache.clear(), 'clear the cache namespace');
    for (const [key, value] of Object.entries(setup.records)) {
      must(await this.db.query('INSERT INTO records (key, value) VALUES ($1, $2)', [key, value]), 'seed the records table');
    }
    for (const key of setup.cached) {
      const value = setup.records[key];
      if (value === undefined) throw new Error(`setup.cached names ${key}, which is not in setup.records`);
      must(await this.cache.set(key, String(value), cacheTtlMs), 'warm the cache');
    }
    return { db: { ...setup.records } };
  }

  /**
   * Both stores as they are now, complete: every row of the scenario's tables and every key under
   * the run's Redis namespace, so a value that exists in one store only shows up. Keys under
   * `_meta:` are the strategies' bookkeeping and are listed apart.
   */
  async snapshot(): Promise<StoreSnapshot> {
    const records = must(await this.db.query<{ key: string; value: string }>('SELECT key, value FROM records'), 'read the records table');
    const ledger = must(
      await this.db.query<{ op_id: string; key: string; amount: string; status: string }>(
        'SELECT op_id, key, amount, status FROM ledger ORDER BY id',
      ),
      'read the ledger table',
    );
    const items = must(await this.db.query<{ key: string; item: string }>('SELECT key, item FROM set_items ORDER BY key, item'), 'read the set_items table');
    const orders = must(await this.db.query<{ op_id: string; item: string }>('SELECT op_id, item FROM orders ORDER BY id'), 'read the orders table');
    const cached = must(await this.cache.dump(), 'read the cache namespace');

    const snapshot: StoreSnapshot = {
      db: Object.fromEntries(records.map((r) => [r.key, Number(r.value)])),
      cache: {},
      ledger: ledger.map((l) => ({
        opId: l.op_id,
        key: l.key,
        amount: Number(l.amount),
        status: l.status === 'compensated' ? 'compensated' : 'applied',
      })),
      sets: {},
      orders: orders.map((o) => ({ opId: o.op_id, item: o.item })),
      meta: {},
    };
    for (const { key, item } of items) (snapshot.sets[key] ??= { db: [], cache: [] }).db.push(item);
    for (const item of cached) {
      if (item.key.startsWith(LAB_PREFIX)) continue; // the lab's own (the run's owner lease), not the system's
      if (item.key.startsWith(META_PREFIX)) snapshot.meta[item.key] = { type: item.type, value: item.value, ttlMs: item.ttlMs };
      else if (item.type === 'set') snapshot.sets[item.key] = { db: [], ...snapshot.sets[item.key], cache: item.value, ttlMs: item.ttlMs };
      else snapshot.cache[item.key] = { value: typeof item.value === 'string' ? item.value : JSON.stringify(item.value), ttlMs: item.ttlMs };
    }
    return snapshot;
  }

  async close(): Promise<void> {
    await Promise.all([this.cache.close(), this.db.close()]);
  }
}
