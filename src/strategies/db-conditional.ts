import { cacheAsideRead } from './cache-aside.js';
import { recordSale } from './stock.js';
import { broke, soldOut, type StrategyDefinition } from './strategy.js';

/**
 * The remedy for overselling: the database decides. A conditional decrement (stock >= 1) and the
 * order row commit in one transaction, so no unit is sold twice and no sale goes unrecorded;
 * when the database cannot be reached the order is refused, truthfully. The cache only displays
 * the stock: the entry is deleted after each commit and refilled by reads, with a TTL that bounds
 * how long a lost delete leaves a wrong number on screen.
 */
export const dbConditional: StrategyDefinition = {
  name: 'db-conditional',
  summary: 'conditional decrement and order row in one database transaction; the cache is deleted and only displays',
  cacheRole: 'display',
  cacheTtlMs: 30_000,
  create: (deps) => ({
    read: (key, op) => cacheAsideRead(deps, key, op),

    async order(key, op) {
      const sold = await recordSale(deps.db, key, op.id, true);
      // An unknown COMMIT may have sold the unit: the displayed stock may be wrong either way.
      if (sold.outcome !== 'fail') {
        await op.point('after-db-commit');
        await deps.cache.del(key);
      }
      if (sold.outcome !== 'ok') return broke('database sale', sold);
      if (sold.value === 'sold-out') return soldOut(key);
      return { outcome: 'ok', value: sold.value };
    },
  }),
};
