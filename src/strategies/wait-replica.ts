import { readCounter, recordSale, takeCachedUnit } from './stock.js';
import type { StrategyDefinition } from './strategy.js';

/** ms an order waits for a replica to acknowledge its DECR (WAIT 1). */
export const WAIT_REPLICA_MS = 200;

/**
 * The naive inventory pattern (cache-first) that acknowledges a sale only once a replica holds
 * it: after the DECR, WAIT 1; when no replica acknowledges in time, the unit is put back and the
 * order refused, so a failover to that replica cannot lose an acknowledged sale. Not a consensus:
 * WAIT does not make Redis strongly consistent (with several replicas Sentinel may promote one
 * that had not acknowledged), and without a replica every order is refused.
 */
export const waitReplica: StrategyDefinition = {
  name: 'wait-replica',
  summary: `DECR in Redis sells the unit only once WAIT 1 (${WAIT_REPLICA_MS} ms) says a replica has it; else it is put back and refused`,
  cacheRole: 'authoritative',
  cacheTtlMs: 0,
  create: (deps) => ({
    read: (key) => readCounter(deps, key),

    async order(key, op) {
      const taken = await takeCachedUnit(deps, key);
      if ('outcome' in taken) return taken;
      const replicated = await deps.cache.waitReplicas(1, WAIT_REPLICA_MS);
      if (replicated.outcome !== 'ok' || replicated.value < 1) {
        // Nothing in the database and no acknowledgement: the order did not happen.
        const back = await deps.cache.incrBy(key, 1);
        const note = back.outcome === 'ok' ? 'unit put back' : `unit NOT put back (${back.outcome})`;
        const why = replicated.outcome === 'ok' ? `no replica acknowledged it within ${WAIT_REPLICA_MS} ms` : `WAIT ${replicated.outcome}`;
        return { outcome: 'fail', error: `refused: ${why} (WAIT 1); ${note}` };
      }
      await op.point('after-cache-write');
      const saved = await recordSale(deps.db, key, op.id, false);
      if (saved.outcome !== 'ok') {
        console.error(`wait-replica: order ${op.id} of ${key}: database update ${saved.outcome} (${saved.error}); logged, not undone`);
      }
      return { outcome: 'ok', value: taken.left };
    },
  }),
};
