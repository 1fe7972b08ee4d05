import { broke, ttlOrNone, type OpContext, type OpResult, type StrategyDefinition, type StrategyDeps } from './strategy.js';

/**
 * Cache-aside read: cache first; on a miss read the database and fill the cache. If the cache
 * cannot be reached, serve from the database and do not fill (the entry would be unknowable).
 * The window between the fill read and the fill SET is the stale-fill race.
 */
export async function cacheAsideRead(deps: StrategyDeps, key: string, op: OpContext): Promise<OpResult> {
  const cached = await deps.cache.get(key);
  if (cached.outcome === 'ok' && cached.value !== null) {
    await op.point('after-cache-read');
    return { outcome: 'ok', value: Number(cached.value) };
  }
  const rows = await deps.db.query<{ value: string }>('SELECT value FROM records WHERE key = $1', [key]);
  if (rows.outcome !== 'ok') return broke('database read', rows);
  const row = rows.value[0];
  if (row === undefined) return { outcome: 'ok', value: null };
  await op.point('after-fill-read');
  if (cached.outcome === 'ok') await deps.cache.set(key, row.value, ttlOrNone(deps.cacheTtlMs));
  return { outcome: 'ok', value: Number(row.value) };
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
