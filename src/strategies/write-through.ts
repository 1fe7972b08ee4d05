import { authorizeFromCache, cacheAsideRead } from './cache-aside.js';
import { broke, type StrategyDefinition } from './strategy.js';

/**
 * Write-through as the seed application wrote it: read the balance through the cache, authorize
 * from it, write the new balance to the database, then to the cache. The new balance is computed
 * from the cached value, and a failed cache SET is reported as a failed payment although the
 * database already committed it.
 */
export const writeThrough: StrategyDefinition = {
  name: 'write-through',
  summary: 'authorize from the cached balance; write the new balance to the database, then the cache',
  cacheRole: 'authoritative',
  cacheTtlMs: 0,
  create: (deps) => ({
    read: (key, op) => cacheAsideRead(deps, key, op),

    async debit(key, amount, op) {
      const auth = await authorizeFromCache(deps, key, amount, op);
      if ('outcome' in auth) return auth;
      const next = auth.balance - amount;

      const committed = await deps.db.transaction(async (tx) => {
        const update = await tx.query('UPDATE records SET value = $2 WHERE key = $1', [key, next]);
        if (update.outcome !== 'ok') return update;
        return tx.query('INSERT INTO ledger (op_id, key, amount) VALUES ($1, $2, $3)', [op.id, key, amount]);
      });
      if (committed.outcome !== 'ok') return broke('database', committed);

      await op.point('after-db-commit');
      const set = await deps.cache.set(key, String(next));
      if (set.outcome !== 'ok') {
        // The seed lets the cache error propagate: the client gets an error response and takes
        // the payment as failed, although the database has already committed it.
        return { outcome: 'fail', error: `payment failed: cache SET after database commit: ${set.outcome}: ${set.error}` };
      }
      return { outcome: 'ok', value: next };
    },

    async write(key, value, op) {
      const res = await deps.db.query('UPDATE records SET value = $2 WHERE key = $1', [key, value]);
      if (res.outcome !== 'ok') return broke('database write', res);
      await op.point('after-db-commit');
      const set = await deps.cache.set(key, String(value));
      await op.point('after-cache-write');
      return set.outcome === 'ok' ? { outcome: 'ok', value } : broke('cache SET after database commit', set);
    },
  }),
};
