import { ok } from '../drivers/result.js';
import { commitThenDelete, replicaFillRead } from './replica-reads.js';
import type { StrategyDefinition } from './strategy.js';

/** ms between the two deletes: the replica lag this strategy is sized for, with room for a fill. */
export const REPLICA_LAG_BUDGET_MS = 1600;

/**
 * Delayed double delete sized by the replica's lag: a write commits on the primary, deletes the
 * entry, waits REPLICA_LAG_BUDGET_MS and deletes it again, and is acknowledged after that. A fill
 * from the lagging replica within the delay is removed by the second delete, and the fills after
 * it read a replica that has applied the write, as long as the replica lags less than the delay.
 * A lag spike beyond it (a vacuum on the replica, a slow link) puts the old value back for a TTL.
 */
export const replicaDoubleDelete: StrategyDefinition = {
  name: 'replica-double-delete',
  summary: `writes delete the entry after the commit and again ${REPLICA_LAG_BUDGET_MS} ms later (the lag budget); a miss fills from the replica`,
  cacheRole: 'display',
  cacheTtlMs: 30_000,
  create: (deps) => ({
    read: (key, op) => replicaFillRead(deps, key, op, () => Promise.resolve(ok('replica'))),
    async write(key, value, op) {
      const done = await commitThenDelete(deps, key, value, op);
      if (done.outcome !== 'ok') return done;
      await new Promise((resolve) => setTimeout(resolve, REPLICA_LAG_BUDGET_MS));
      // Best effort, as the first: the database decided, and the TTL bounds a lost delete.
      await deps.cache.del(key);
      return done;
    },
  }),
};
