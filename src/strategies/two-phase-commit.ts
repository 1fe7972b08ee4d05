import { metaKey } from '../drivers/redis.js';
import { ok, type Result } from '../drivers/result.js';
import { cacheAsideRead } from './cache-aside.js';
import { broke, declined, type StrategyDefinition } from './strategy.js';

/**
 * The seed application's "two-phase commit" across PostgreSQL and Redis (seed pattern 1).
 * Prepare: the cache participant records an intent (`_meta:2pc:<op>`), the database participant locks
 * the row, checks the balance and writes the debit without committing. Both voted yes: commit the
 * database, then apply the new balance in the cache and drop the intent in one MULTI.
 *
 * It is not atomic: Redis has no prepared state that survives a lost link, and there is no
 * recovery process that reads the intents back. If the cache commit fails after the database
 * committed, the decision stands (the payment is taken) and the cache keeps the old balance
 * until the next successful write: the in-doubt window this lab shows.
 */
export const twoPhaseCommit: StrategyDefinition = {
  name: 'two-phase-commit',
  summary: 'prepare in both stores (row lock + cache intent), commit the database, then the cache',
  cacheRole: 'display',
  cacheTtlMs: 0,
  create: (deps) => ({
    read: (key, op) => cacheAsideRead(deps, key, op),

    async debit(key, amount, op) {
      const intent = metaKey('2pc', op.id);
      const prepared = await deps.cache.setIfAbsent(intent, `${key}:-${amount}`);
      if (prepared.outcome !== 'ok') return broke('prepare (cache)', prepared);
      if (!prepared.value) return { outcome: 'fail', error: `prepare (cache): intent ${intent} already exists` };

      const tx = await deps.db.begin();
      if (tx.outcome !== 'ok') {
        await deps.cache.del(intent);
        return broke('prepare (database)', tx);
      }
      const vote = await prepareDebit(tx.value.query.bind(tx.value), key, amount, op.id);
      if (vote.outcome !== 'ok' || vote.value.balance < amount) {
        await tx.value.rollback();
        await deps.cache.del(intent);
        return vote.outcome !== 'ok' ? broke('prepare (database)', vote) : declined(vote.value.balance, amount);
      }

      const commit = await tx.value.commit();
      if (commit.outcome !== 'ok') {
        await deps.cache.del(intent);
        return broke('commit (database)', commit);
      }
      await op.point('after-db-commit');
      const next = vote.value.balance - amount;
      // The decision is commit. A cache participant that does not answer stays in doubt; the seed
      // logs it and answers the client ok, because the payment did happen.
      await deps.cache.atomically([
        ['set', key, String(next)],
        ['del', intent],
      ]);
      return { outcome: 'ok', value: next };
    },
  }),
};

type Query = (sql: string, params?: unknown[]) => Promise<Result<Record<string, unknown>[]>>;

/** Locks the row, reads the balance, and if it suffices writes the debit (uncommitted). */
async function prepareDebit(query: Query, key: string, amount: number, opId: string): Promise<Result<{ balance: number }>> {
  const locked = await query('SELECT value FROM records WHERE key = $1 FOR UPDATE', [key]);
  if (locked.outcome !== 'ok') return locked;
  const balance = Number(locked.value[0]?.value ?? 0);
  if (balance < amount) return ok({ balance });
  const update = await query('UPDATE records SET value = value - $2 WHERE key = $1', [key, amount]);
  if (update.outcome !== 'ok') return update;
  const ledger = await query('INSERT INTO ledger (op_id, key, amount) VALUES ($1, $2, $3)', [opId, key, amount]);
  if (ledger.outcome !== 'ok') return ledger;
  return ok({ balance });
}
