import type { AtomicCommand } from '../drivers/redis.js';
import type { Result } from '../drivers/result.js';
import { broke, type OpResult, type StrategyDeps } from './strategy.js';

/*
 * A customer's orders, as the write-behind strategies and the outbox keep them: a Redis set of
 * order ids per customer (`orders:alice`), with the strategy's TTL, and a `set_items` row per
 * order in the database (key = the set's key, item = the order id). These are the steps they share.
 */

/** The commands that put order `item` into the customer's set `key` and renew the set's TTL. */
export function cacheOrderCommands(deps: StrategyDeps, key: string, item: string): AtomicCommand[] {
  const commands: AtomicCommand[] = [['sadd', key, item]];
  if (deps.cacheTtlMs > 0) commands.push(['pexpire', key, String(deps.cacheTtlMs)]);
  return commands;
}

/** SADD (and PEXPIRE) in one MULTI. */
export function cacheOrder(deps: StrategyDeps, key: string, item: string): Promise<Result<void>> {
  return deps.cache.atomically(cacheOrderCommands(deps, key, item));
}

/** Writes one order row, as it is: a second call writes a second row. */
export function insertOrder(deps: StrategyDeps, key: string, item: string): Promise<Result<unknown>> {
  return deps.db.query('INSERT INTO set_items (key, item) VALUES ($1, $2)', [key, item]);
}

/**
 * Writes one order row at most once, however often it is called: the order's id claims a row of
 * applied_ops (unique) in the same transaction. A second writer of the same order waits on that
 * unique key until the first commits, then finds it taken and writes nothing. ok(true) written
 * now, ok(false) written before.
 */
export function insertOrderOnce(deps: StrategyDeps, key: string, item: string): Promise<Result<boolean>> {
  return deps.db.transaction(async (tx) => {
    const claimed = await tx.query('INSERT INTO applied_ops (op_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING op_id', [`${key}/${item}`]);
    if (claimed.outcome !== 'ok') return claimed;
    if (claimed.value.length === 0) return { outcome: 'ok', value: false };
    const row = await tx.query('INSERT INTO set_items (key, item) VALUES ($1, $2)', [key, item]);
    return row.outcome === 'ok' ? { outcome: 'ok', value: true } : row;
  });
}

/** What the customer's order page shows: the number of orders in the cached set. */
export async function readOrders(deps: StrategyDeps, key: string): Promise<OpResult> {
  const members = await deps.cache.smembers(key);
  if (members.outcome !== 'ok') return broke('cache SMEMBERS', members);
  return { outcome: 'ok', value: members.value.length };
}
