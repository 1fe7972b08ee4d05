import { ok } from '../drivers/result.js';
import { authorizeFromCache, cacheAsideRead } from './cache-aside.js';
import { broke, type StrategyDefinition } from './strategy.js';

/**
 * Saga with compensation (seed pattern 2). Authorize from the cached balance; step 1 debits the
 * database in a local transaction; step 2 writes the new balance to the cache. If step 2 fails,
 * the compensation refunds step 1 (the ledger row is marked compensated) and the payment is
 * reported failed, which is then the truth. Its own window: a crash or a second failure between
 * the step and its compensation leaves the debit standing unreported.
 */
export const saga: StrategyDefinition = {
  name: 'saga',
  summary: 'debit the database, then the cache; if the cache step fails, refund the database',
  cacheRole: 'authoritative',
  cacheTtlMs: 0,
  create: (deps) => ({
    read: (key, op) => cacheAsideRead(deps, key, op),

    async debit(key, amount, op) {
      const auth = await authorizeFromCache(deps, key, amount, op);
      if ('outcome' in auth) return auth;

      const step1 = await deps.db.transaction(async (tx) => {
        const rows = await tx.query<{ value: string }>(
          'UPDATE records SET value = value - $2 WHERE key = $1 RETURNING value',
          [key, amount],
        );
        if (rows.outcome !== 'ok') return rows;
        const ledger = await tx.query('INSERT INTO ledger (op_id, key, amount) VALUES ($1, $2, $3)', [op.id, key, amount]);
        if (ledger.outcome !== 'ok') return ledger;
        return ok(Number(rows.value[0]?.value));
      });
      if (step1.outcome !== 'ok') return broke('step 1 (database debit)', step1);
      await op.point('after-db-commit');

      const step2 = await deps.cache.set(key, String(step1.value));
      if (step2.outcome === 'ok') return { outcome: 'ok', value: step1.value };

      await op.point('before-compensate');
      const refund = await deps.db.transaction(async (tx) => {
        const credit = await tx.query('UPDATE records SET value = value + $2 WHERE key = $1', [key, amount]);
        if (credit.outcome !== 'ok') return credit;
        return tx.query("UPDATE ledger SET status = 'compensated' WHERE op_id = $1", [op.id]);
      });
      if (refund.outcome !== 'ok') {
        return { outcome: 'unknown', error: `step 2 failed (${step2.error}); compensation ${refund.outcome}: ${refund.error}` };
      }
      // The cache may still hold the pre-payment balance, which is right again; drop it anyway
      // in case the failed SET did land. Best effort: the next read refills it.
      await deps.cache.del(key);
      return { outcome: 'fail', error: `step 2 (cache SET) ${step2.outcome}: ${step2.error}; refunded` };
    },
  }),
};
