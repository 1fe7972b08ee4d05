import { failed, ok } from '../drivers/result.js';
import { cacheAsideRead } from './cache-aside.js';
import { broke, type StrategyDefinition } from './strategy.js';

/**
 * The remedy: the database is the authority and the cache only serves reads. A debit is one
 * conditional, idempotent statement in the database (it cannot overdraw, and a repeated payment
 * id is applied once); after the commit the cache entry is deleted. Reads are cache-aside with a
 * TTL, so an invalidation that fails leaves a stale display value for at most the TTL.
 */
export const deleteOnWrite: StrategyDefinition = {
  name: 'delete-on-write',
  summary: 'conditional, idempotent debit in the database; delete the cache entry; reads fill with a TTL',
  cacheRole: 'display',
  cacheTtlMs: 30_000,
  create: (deps) => ({
    read: (key, op) => cacheAsideRead(deps, key, op),

    async debit(key, amount, op) {
      const debited = await deps.db.transaction(async (tx) => {
        const first = await tx.query('INSERT INTO applied_ops (op_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING op_id', [op.id]);
        if (first.outcome !== 'ok') return first;
        if (first.value.length === 0) return failed('fail', new Error(`payment ${op.id} was already applied`));
        const rows = await tx.query<{ value: string }>(
          'UPDATE records SET value = value - $2 WHERE key = $1 AND value >= $2 RETURNING value',
          [key, amount],
        );
        if (rows.outcome !== 'ok') return rows;
        const row = rows.value[0];
        if (row === undefined) return failed('fail', new Error(`declined: balance < ${amount}`));
        const ledger = await tx.query('INSERT INTO ledger (op_id, key, amount) VALUES ($1, $2, $3)', [op.id, key, amount]);
        if (ledger.outcome !== 'ok') return ledger;
        return ok(Number(row.value));
      });
      if (debited.outcome !== 'ok') return broke('database debit', debited);

      await op.point('after-db-commit');
      // A failed delete is not a failed payment: the database decided. The stale entry expires.
      await deps.cache.del(key);
      return { outcome: 'ok', value: debited.value };
    },

    async write(key, value, op) {
      const res = await deps.db.query('UPDATE records SET value = $2 WHERE key = $1', [key, value]);
      if (res.outcome !== 'ok') return broke('database write', res);
      await op.point('after-db-commit');
      await deps.cache.del(key);
      await op.point('after-cache-delete');
      return { outcome: 'ok', value };
    },
  }),
};
