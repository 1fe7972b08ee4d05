import { ok } from '../drivers/result.js';
import { commitOnPrimary, noReplica, primaryPosition, replicaFillRead, replicaReached } from './replica-reads.js';
import type { StrategyDefinition } from './strategy.js';

/** ms a write waits for the replica before it gives up and answers unknown. */
export const REPLICA_WAIT_MS = 5000;
const POLL_MS = 10;

/**
 * The write waits for the replica: it commits on the primary, then polls the replica's applied
 * position until it has reached the primary's position after the commit, and only then deletes
 * the entry and acknowledges. Every fill after the acknowledgement reads a replica that has the
 * write. The cost is write latency: each write takes the replica's lag. A replica that does not
 * catch up within REPLICA_WAIT_MS makes the write unknown to its client (it did commit), and the
 * entry is deleted anyway.
 */
export const replicaWriteWaits: StrategyDefinition = {
  name: 'replica-write-waits',
  summary: "writes wait until the replica has applied them before deleting the entry and answering; a miss fills from the replica",
  cacheRole: 'display',
  cacheTtlMs: 30_000,
  create: (deps) => ({
    read: (key, op) => replicaFillRead(deps, key, op, () => Promise.resolve(ok('replica'))),
    async write(key, value, op) {
      const replica = deps.replica;
      if (replica === undefined) return noReplica;
      const failed = await commitOnPrimary(deps, key, value);
      if (failed) return failed;
      await op.point('after-db-commit');
      const position = await primaryPosition(deps.db);
      let caughtUp = false;
      const deadline = Date.now() + REPLICA_WAIT_MS;
      while (position.outcome === 'ok' && !caughtUp && Date.now() < deadline) {
        const reached = await replicaReached(replica, position.value);
        caughtUp = reached.outcome === 'ok' && reached.value;
        if (!caughtUp) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      await deps.cache.del(key);
      await op.point('after-cache-delete');
      if (!caughtUp) return { outcome: 'unknown', value, error: `committed, but the replica had not applied it after ${REPLICA_WAIT_MS} ms: readers may still fill the old value` };
      return { outcome: 'ok', value };
    },
  }),
};
