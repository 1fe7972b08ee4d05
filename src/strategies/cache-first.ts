import { readCounter, recordSale, takeCachedUnit } from './stock.js';
import type { StrategyDefinition } from './strategy.js';

/**
 * The naive inventory pattern: the Redis counter is the stock. DECR sells the unit (a result
 * below zero is put back and refused); the order is acknowledged; the database update follows,
 * and when it fails the failure is logged, not undone, so the database falls behind the cache. A
 * cache that lost its counter (a restart without persistence) reloads it from the database, and
 * sells again the units the database never heard were sold.
 */
export const cacheFirst: StrategyDefinition = {
  name: 'cache-first',
  summary: 'DECR in Redis sells the unit; the database update follows and its failure is only logged',
  cacheRole: 'authoritative',
  cacheTtlMs: 0,
  create: (deps) => ({
    read: (key) => readCounter(deps, key),

    async order(key, op) {
      const taken = await takeCachedUnit(deps, key);
      if ('outcome' in taken) return taken;
      await op.point('after-cache-write');

      // The database write runs before the answer only so that runs repeat; the pattern acks
      // the customer on the cache's word either way.
      const saved = await recordSale(deps.db, key, op.id, false);
      if (saved.outcome !== 'ok') {
        console.error(`cache-first: order ${op.id} of ${key}: database update ${saved.outcome} (${saved.error}); logged, not undone`);
      }
      return { outcome: 'ok', value: taken.left };
    },
  }),
};
