import { cacheAsideRead } from './cache-aside.js';
import { broke, type StrategyDefinition } from './strategy.js';

/** ms between the first delete and the second. */
export const SECOND_DELETE_DELAY_MS = 100;

/**
 * Delayed double delete: cache-aside reads with a TTL; a write commits, deletes the entry, waits
 * SECOND_DELETE_DELAY_MS and deletes it again, so a stale fill that lands within the delay is
 * removed. The write is acknowledged after the second delete (the wait is part of the request).
 * It is a bet on timing, not a guarantee: a reader whose fill is slower than the delay (a GC
 * pause, a slow link) puts the old value back after both deletes, and only the TTL ends it.
 */
export const delayedDoubleDelete: StrategyDefinition = {
  name: 'delayed-double-delete',
  summary: `delete the entry after the commit, and again ${SECOND_DELETE_DELAY_MS} ms later; reads fill with a TTL`,
  cacheRole: 'display',
  cacheTtlMs: 30_000,
  create: (deps) => ({
    read: (key, op) => cacheAsideRead(deps, key, op),

    async write(key, value, op) {
      const res = await deps.db.query('UPDATE records SET value = $2 WHERE key = $1', [key, value]);
      if (res.outcome !== 'ok') return broke('database write', res);
      await op.point('after-db-commit');
      await deps.cache.del(key);
      await op.point('after-cache-delete');
      await new Promise((resolve) => setTimeout(resolve, SECOND_DELETE_DELAY_MS));
      // Best effort, as the first: the database decided, and the TTL bounds a lost delete.
      await deps.cache.del(key);
      return { outcome: 'ok', value };
    },
  }),
};
