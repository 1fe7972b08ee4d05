import { broke, declined, type OpContext, type OpResult, type StrategyDefinition, type StrategyDeps } from './strategy.js';

/**
 * Cache-aside read: cache first; on a miss read the database and fill the cache. If the cache
 * cannot be reached, serve from the database and do not fill (the entry would be unknowable).
 * The window between the fill read and the fill SET is the stale-fill race.
 */
export async function cacheAsideRead(deps: StrategyDeps, key: string, op: OpContext): Promise<OpResult> {
  const cached = await deps.cache.get(key);
  if (cached.outcome === 'ok' && cached.value !== null) {
    await op.point('after-cache-read');
    return { outcome: 'ok', value: Number(cached.value), cacheHit: true };
  }
  return readFromDb(deps, key, op, cached.outcome === 'ok');
}

/** The miss path of cache-aside: the database row, put in the cache (with the TTL) when `fill`. */
export async function readFromDb(deps: StrategyDeps, key: string, op: OpContext, fill: boolean): Promise<OpResult> {
  const rows = await deps.db.query<{ value: string }>('SELECT value FROM records WHERE key = $1', [key]);
  if (rows.outcome !== 'ok') return broke('database read', rows);
  const row = rows.value[0];
  if (row === undefined) return { outcome: 'ok', value: null, cacheHit: false };
  await op.point('after-fill-read');
  if (fill) await deps.cache.set(key, row.value, deps.cacheTtlMs);
  return { outcome: 'ok', value: Number(row.value), cacheHit: false };
}

/**
 * The seeds' authorization: read the balance through the cache and check it covers `amount`.
 * Answers the balance it authorized against, or the op's answer when it cannot go on.
 */
export async function authorizeFromCache(
  deps: StrategyDeps,
  key: string,
  amount: number,
  op: OpContext,
): Promise<{ balance: number } | OpResult> {
  const read = await cacheAsideRead(deps, key, op);
  if (read.outcome !== 'ok') return read;
  if (typeof read.value !== 'number') return { outcome: 'fail', error: `no such record: ${key}` };
  if (read.value < amount) return declined(read.value, amount);
  return { balance: read.value };
}

export const cacheAside: StrategyDefinition = {
  name: 'cache-aside',
  summary: 'reads fill the cache on a miss; writes go to the database only (no invalidation)',
  cacheRole: 'display',
  cacheTtlMs: 30_000,
  create: (deps) => ({
    read: (key, op) => cacheAsideRead(deps, key, op),
    async write(key, value) {
      const res = await deps.db.query('UPDATE records SET value = $2 WHERE key = $1', [key, value]);
      return res.outcome === 'ok' ? { outcome: 'ok', value } : broke('database write', res);
    },
  }),
};
