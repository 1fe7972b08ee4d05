import type { InitialState, StoreSnapshot } from '../checkers/checker.js';
import { createDbDriver, defaultPgSettings, type DbDriver } from '../drivers/postgres.js';
import { createRedisDriver, defaultRedisSettings, LAB_PREFIX, META_PREFIX, type AtomicCommand, type RedisDriver } from '../drivers/redis.js';
import { must } from '../drivers/result.js';
import { dbToLabClock, readDbClock, type ClockReading } from './db-clock.js';
import type { ScenarioSetup } from './scenario.js';

/** The tables every strategy works on, inside the run's own schema (and on a read replica's side). */
export const TABLE_DDL = [
  // version: bumped with the value by strategies that version their cache writes (versioned);
  // the others never touch it, and nothing the checkers read depends on it.
  'CREATE TABLE IF NOT EXISTS records (key text PRIMARY KEY, value bigint NOT NULL, version bigint NOT NULL DEFAULT 0)',
  // Not unique on op_id: a naive strategy can apply a payment twice, and the checker must see it.
  `CREATE TABLE IF NOT EXISTS ledger (id bigserial PRIMARY KEY, op_id text NOT NULL, key text NOT NULL,
     amount bigint NOT NULL, status text NOT NULL DEFAULT 'applied', at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  'CREATE TABLE IF NOT EXISTS applied_ops (op_id text PRIMARY KEY)',
  // The database side of a cached set: one row per item written (an order in a customer's order
  // set). Not unique on (key, item), so an order a worker wrote twice shows up. `at`: when the row
  // was written, on the database server's clock (clock_timestamp(), not the transaction's start).
  `CREATE TABLE IF NOT EXISTS set_items (id bigserial PRIMARY KEY, key text NOT NULL, item text NOT NULL,
     at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  // The transactional outbox: a row per set item committed with it, for a relay to apply to the
  // cache; done_at is set once the relay has.
  `CREATE TABLE IF NOT EXISTS outbox (id bigserial PRIMARY KEY, key text NOT NULL, item text NOT NULL,
     done_at timestamptz)`,
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

  /** Creates the tables (idempotent). */
  async createTables(): Promise<void> {
    for (const sql of TABLE_DDL) must(await this.db.query(sql), 'create the tables');
  }

  /** Creates the tables (idempotent), empties every table of the schema, and puts the scenario's starting state in both stores. */
  async reset(setup: ScenarioSetup, cacheTtlMs: number): Promise<InitialState> {
    await this.createTables();
    // Every table of the run's schema, a strategy module's own included: each run starts empty.
    const tables = must(await this.db.query<{ name: string }>('SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = current_schema()'), 'list the tables');
    must(await this.db.query(`TRUNCATE ${tables.map((t) => t.name).join(', ')}`), 'empty the tables');
    must(await this.cache.clear(), 'clear the cache namespace');
    // One statement and one MULTI, however many rows (a load scenario seeds thousands).
    const records = Object.entries(setup.records);
    if (records.length > 0) {
      must(
        await this.db.query('INSERT INTO records (key, value) SELECT * FROM unnest($1::text[], $2::bigint[])', [records.map(([k]) => k), records.map(([, v]) => v)]),
        'seed the records table',
      );
    }
    const ttl = cacheTtlMs > 0 ? ['PX', String(cacheTtlMs)] : [];
    const warm = setup.cached.map((key): AtomicCommand => {
      const value = setup.records[key];
      if (value === undefined) throw new Error(`setup.cached names ${key}, which is not in setup.records`);
      return ['set', key, String(value), ...ttl];
    });
    if (warm.length > 0) must(await this.cache.atomically(warm), 'warm the cache');
    return { db: { ...setup.records } };
  }

  /**
   * Both stores as they are now, complete: every row of the scenario's tables and every key under
   * the run's Redis namespace, so a value that exists in one store only shows up. Keys under
   * `_meta:` are the strategies' bookkeeping and are listed apart. With `clock` (the lab's clock
   * and a reading of the database's taken at the start), set rows carry their write time on the
   * lab's clock.
   */
  async snapshot(clock?: { now: () => number; start: ClockReading }): Promise<StoreSnapshot> {
    const records = must(await this.db.query<{ key: string; value: string }>('SELECT key, value FROM records'), 'read the records table');
    const ledger = must(
      await this.db.query<{ op_id: string; key: string; amount: string; status: string }>(
        'SELECT op_id, key, amount, status FROM ledger ORDER BY id',
      ),
      'read the ledger table',
    );
    const items = must(
      await this.db.query<{ key: string; item: string; at_ms: number }>(
        'SELECT key, item, (extract(epoch FROM at) * 1000)::float8 AS at_ms FROM set_items ORDER BY id',
      ),
      'read the set_items table',
    );
    const orders = must(await this.db.query<{ op_id: string; item: string }>('SELECT op_id, item FROM orders ORDER BY id'), 'read the orders table');
    const cached = must(await this.cache.dump(), 'read the cache namespace');
    const end = clock && (await readDbClock(this.db, clock.now));
    const toLab = clock && end ? dbToLabClock(clock.start, end) : undefined;

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
    if (clock && end) snapshot.dbClockErrorMs = Math.max(clock.start.errorMs, end.errorMs);
    for (const { key, item, at_ms } of items) {
      const set = (snapshot.sets[key] ??= { db: [], cache: [], rows: [] });
      if (!set.db.includes(item)) set.db.push(item);
      set.rows?.push({ item, writtenAt: toLab ? round(toLab(at_ms)) : null });
    }
    for (const set of Object.values(snapshot.sets)) set.db.sort();
    for (const item of cached) {
      if (item.key.startsWith(LAB_PREFIX)) continue; // the lab's own (the run's owner lease), not the system's
      if (item.key.startsWith(META_PREFIX)) snapshot.meta[item.key] = { type: item.type, value: item.value, ttlMs: item.ttlMs };
      else if (item.type === 'set') snapshot.sets[item.key] = { db: [], rows: [], ...snapshot.sets[item.key], cache: item.value, ttlMs: item.ttlMs };
      else snapshot.cache[item.key] = { value: typeof item.value === 'string' ? item.value : JSON.stringify(item.value), ttlMs: item.ttlMs };
    }
    return snapshot;
  }

  /** The database's clock against `now` (the history's), for timing what the database wrote. */
  readClock(now: () => number): Promise<ClockReading> {
    return readDbClock(this.db, now);
  }

  async close(): Promise<void> {
    await Promise.all([this.cache.close(), this.db.close()]);
  }
}

/** To 0.1 ms, the history's resolution. */
const round = (ms: number): number => Math.round(ms * 10) / 10;
