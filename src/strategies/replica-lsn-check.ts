import { metaKey } from '../drivers/redis.js';
import { ok } from '../drivers/result.js';
import { commitOnPrimary, primaryPosition, replicaFillRead, replicaReached } from './replica-reads.js';
import type { StrategyDefinition } from './strategy.js';

/** Where a write leaves the primary's position after its commit, for fills of `key` to compare with. */
export const writtenPositionKey = (key: string): string => metaKey('written-lsn', key);

/** A position no replica reaches: fills read the primary until the marker's TTL ends. */
const UNREACHABLE = 'FFFFFFFF/FFFFFFFF';

/**
 * Fills that know whether the replica has the last write: a write commits on the primary, notes
 * the primary's WAL position after its commit next to the entry (`_meta:written-lsn:<key>`, with
 * the entry's TTL), and then deletes the entry. A reader that misses reads the note; if the
 * replica's applied position (its subscription's remote_lsn) has not reached it, the fill reads
 * the primary instead. The note is set before the delete, so every miss after the delete sees it.
 * What it does not cover: a replica that lags more than the note's TTL, and two writes of one key
 * whose notes land out of order (the older position wins: keep the greater one in a script).
 */
export const replicaLsnCheck: StrategyDefinition = {
  name: 'replica-lsn-check',
  summary: "writes note the primary's WAL position; a miss fills from the replica only once it has applied that position, else from the primary",
  cacheRole: 'display',
  cacheTtlMs: 30_000,
  create: (deps) => ({
    read: (key, op) =>
      replicaFillRead(deps, key, op, async (replica) => {
        const written = await deps.cache.get(writtenPositionKey(key));
        // No note readable: the primary is always right.
        if (written.outcome !== 'ok') return ok('primary');
        if (written.value === null) return ok('replica');
        const reached = await replicaReached(replica, written.value);
        return ok(reached.outcome === 'ok' && reached.value ? 'replica' : 'primary');
      }),
    async write(key, value, op) {
      const failed = await commitOnPrimary(deps, key, value);
      if (failed) return failed;
      await op.point('after-db-commit');
      const position = await primaryPosition(deps.db);
      await deps.cache.set(writtenPositionKey(key), position.outcome === 'ok' ? position.value : UNREACHABLE, deps.cacheTtlMs);
      await deps.cache.del(key);
      await op.point('after-cache-delete');
      return { outcome: 'ok', value };
    },
  }),
};
