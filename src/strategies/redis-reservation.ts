import { loadCounterIfMissing, readCounter, recordSale } from './stock.js';
import { broke, soldOut, type StrategyDefinition } from './strategy.js';

/**
 * Reserve in Redis, record in PostgreSQL. An atomic check-and-decrement (a Lua script) reserves
 * the unit, so sold-out orders never reach the database; the sale is then made durable with a
 * conditional decrement and the order row in one transaction. A reservation whose database write
 * certainly failed (or found no stock) is released; a counter the cache lost is rebuilt from the
 * database. The database has the last word, so the counter can only drift, never oversell.
 *
 * Its window: a database write with an unknown outcome (the COMMIT cut) keeps its reservation, and
 * so does an app killed between reserve and commit, so the counter can end below the database
 * (units that exist but are refused until the counter is rebuilt). A cache rebuilt while a
 * reservation of the old cache is still in flight ends above it; the conditional decrement then
 * refuses the extra unit.
 */
export const redisReservation: StrategyDefinition = {
  name: 'redis-reservation',
  summary: 'reserve with an atomic check-and-decrement in Redis, record in the database, release on failure',
  cacheRole: 'authoritative',
  cacheTtlMs: 0,
  create: (deps) => ({
    read: (key) => readCounter(deps, key),

    async order(key, op) {
      let reserved = await deps.cache.adjustCounter(key, -1);
      if (reserved.outcome === 'ok' && reserved.value === 'missing') {
        const missing = await loadCounterIfMissing(deps, key);
        if (missing) return missing;
        reserved = await deps.cache.adjustCounter(key, -1);
      }
      // Nothing was written to the database: the order did not happen (a reservation whose reply
      // was lost holds a unit until the counter is rebuilt).
      if (reserved.outcome !== 'ok') return { outcome: 'fail', error: `reserve (cache) ${reserved.outcome}: ${reserved.error}` };
      if (reserved.value === 'insufficient') return soldOut(key);
      if (reserved.value === 'missing') return { outcome: 'fail', error: `reserve (cache): ${key} vanished while it was rebuilt` };
      await op.point('after-cache-write');

      const sold = await recordSale(deps.db, key, op.id, true);
      if (sold.outcome === 'unknown') return broke('database sale (reservation kept: the sale may have committed)', sold);
      if (sold.outcome === 'ok' && sold.value !== 'sold-out') {
        await op.point('after-db-commit');
        return { outcome: 'ok', value: sold.value };
      }

      // Absent (a restarted cache) means the rebuild already counts from the database: nothing to release.
      const released = await deps.cache.adjustCounter(key, 1);
      const note = released.outcome === 'ok' ? 'reservation released' : `reservation NOT released (${released.outcome}: ${released.error})`;
      if (sold.outcome === 'ok') return { outcome: 'fail', error: `sold out in the database; ${note}` };
      return { outcome: 'fail', error: `database sale ${sold.outcome}: ${sold.error}; ${note}` };
    },
  }),
};
