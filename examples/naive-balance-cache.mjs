// A payment cache the lab catches: it authorizes from the cached balance and writes the new
// balance computed from it. Run it:
//   npx cachelab run payment-double-spend --strategy-module examples/naive-balance-cache.mjs
// and payment-double-spend reports it inconsistent (exit 1): after a lost cache update the stale
// balance is spent again.
import { defineStrategy } from 'cachelab';

export default defineStrategy({
  name: 'naive-balance-cache',
  summary: 'authorize from the cached balance; write the database, then the cache',
  cacheTtlMs: 0,

  create({ redis, db }) {
    /** The balance through the cache: a hit is trusted, a miss is filled from the database. */
    async function balance(key) {
      const cached = await redis.get(key);
      if (cached !== null) return Number(cached);
      const { rows } = await db.query('SELECT value FROM records WHERE key = $1', [key]);
      if (rows.length === 0) return null;
      await redis.set(key, rows[0].value);
      return Number(rows[0].value);
    }

    return {
      read: (key) => balance(key),

      async debit(key, amount, op) {
        const current = await balance(key);
        if (current === null || current < amount) {
          return { outcome: 'fail', error: `declined: balance ${current} < ${amount}` };
        }
        const next = current - amount;
        const client = await db.connect();
        try {
          await client.query('BEGIN');
          await client.query('UPDATE records SET value = $2 WHERE key = $1', [key, next]);
          await client.query('INSERT INTO ledger (op_id, key, amount) VALUES ($1, $2, $3)', [op.id, key, amount]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          throw err;
        } finally {
          client.release();
        }
        await op.point('after-db-commit');
        await redis.set(key, String(next)); // if this is lost, the cache keeps the old balance
        return next;
      },
    };
  },
});
