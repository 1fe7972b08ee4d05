import type { DbDriver } from '../drivers/postgres.js';
import { failed, ok, type Result } from '../drivers/result.js';
import { broke, soldOut, type OpResult, type StrategyDeps } from './strategy.js';

/*
 * Stock is the `records` row of the item's key (units, an integer); a sale is one row of `orders`.
 * These are the steps the inventory strategies share.
 */

/**
 * Records one unit sold in one transaction: the stock decrement and the order row. `guarded`: the
 * decrement is conditional (stock >= 1) and ok('sold-out') when there is none; unguarded, the
 * database follows whatever the caller decided, even below zero. ok(the stock left) otherwise;
 * fail/unknown as the driver says (unknown: the COMMIT may have landed).
 */
export async function recordSale(db: DbDriver, key: string, orderId: string, guarded: boolean): Promise<Result<number | 'sold-out'>> {
  return db.transaction(async (tx): Promise<Result<number | 'sold-out'>> => {
    const sql = guarded
      ? 'UPDATE records SET value = value - 1 WHERE key = $1 AND value >= 1 RETURNING value'
      : 'UPDATE records SET value = value - 1 WHERE key = $1 RETURNING value';
    const rows = await tx.query<{ value: string }>(sql, [key]);
    if (rows.outcome !== 'ok') return rows;
    const row = rows.value[0];
    // Guarded: no row means no unit left. Unguarded: no row means no such item.
    if (row === undefined) return guarded ? ok('sold-out') : failed('fail', new Error(`no stock row for ${key}`));
    const order = await tx.query('INSERT INTO orders (op_id, item) VALUES ($1, $2)', [orderId, key]);
    if (order.outcome !== 'ok') return order;
    return ok(Number(row.value));
  });
}

/** The database's stock of `key`, ok(null) when the item does not exist. */
export async function databaseStock(db: DbDriver, key: string): Promise<Result<number | null>> {
  const rows = await db.query<{ value: string }>('SELECT value FROM records WHERE key = $1', [key]);
  if (rows.outcome !== 'ok') return rows;
  const row = rows.value[0];
  return ok(row === undefined ? null : Number(row.value));
}

/**
 * For strategies whose stock counter lives in Redis: when the key is absent (a cold or restarted
 * cache), load it from the database. SET NX, so a concurrent load or a counter that already
 * moved is never overwritten. Undefined when the counter is there, else the op's answer.
 */
export async function loadCounterIfMissing(deps: StrategyDeps, key: string): Promise<OpResult | undefined> {
  const cached = await deps.cache.get(key);
  if (cached.outcome !== 'ok') return broke('cache read', cached);
  if (cached.value !== null) return undefined;
  const stock = await databaseStock(deps.db, key);
  if (stock.outcome !== 'ok') return broke('loading the stock from the database', stock);
  if (stock.value === null) return { outcome: 'fail', error: `no such item: ${key}` };
  const filled = await deps.cache.setIfAbsent(key, String(stock.value), deps.cacheTtlMs);
  return filled.outcome === 'ok' ? undefined : broke('cache fill', filled);
}

/** The stock as the Redis counter says, loading it from the database when the cache lost it. */
export async function readCounter(deps: StrategyDeps, key: string): Promise<OpResult> {
  const missing = await loadCounterIfMissing(deps, key);
  if (missing) return missing;
  const cached = await deps.cache.get(key);
  if (cached.outcome !== 'ok') return broke('cache read', cached);
  return { outcome: 'ok', value: cached.value === null ? null : Number(cached.value) };
}

/**
 * Takes one unit off the Redis counter (loaded from the database first when the cache lost it):
 * ok(the units left), or the op's answer when the cache failed or nothing was left (the unit put
 * back: DECR below zero is undone).
 */
export async function takeCachedUnit(deps: StrategyDeps, key: string): Promise<{ left: number } | OpResult> {
  const missing = await loadCounterIfMissing(deps, key);
  if (missing) return missing;
  const left = await deps.cache.incrBy(key, -1);
  if (left.outcome !== 'ok') return broke('cache DECR', left);
  if (left.value < 0) {
    await deps.cache.incrBy(key, 1);
    return soldOut(key);
  }
  return { left: left.value };
}
