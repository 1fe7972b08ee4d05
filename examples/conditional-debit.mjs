// A payment cache that holds: the database decides with a conditional debit, the cache only
// displays the balance, is deleted after each commit, and carries a TTL that ends a lost delete.
//   npx cachelab run payment-double-spend --strategy-module examples/conditional-debit.mjs
// payment-double-spend reports it consistent (exit 0).
import { defineStrategy } from 'cachelab';

export default defineStrategy({
  name: 'conditional-debit',
  summary: 'conditional debit in the database; delete the cache entry after the commit; reads fill with a TTL',
  cacheTtlMs: 30_000,

  create({ redis, db, cacheTtlMs }) {
    return {
      // Cache-aside: a hit is shown as it is; a miss reads the database and fills with a TTL.
      async read(key) {
        const cached = await redis.get(key);
        if (cached !== null) return Number(cached);
        const { rows } = await db.query('SELECT value FROM records WHERE key = $1', [key]);
        if (rows.length === 0) return null;
        await redis.set(key, rows[0].value, 'PX', cacheTtlMs);
        return Number(rows[0].value);
      },

      async debit(key, amount, op) {
        const client = await db.connect();
        let balance;
        try {
          await client.query('BEGIN');
          // The database authorizes: the row changes only if it covers the amount.
          const { rows } = await client.query(
            'UPDATE records SET value = value - $2 WHERE key = $1 AND value >= $2 RETURNING value',
            [key, amount],
          );
          if (rows.length === 0) {
            await client.query('ROLLBACK');
            return { outcome: 'fail', error: `declined: balance below ${amount}` };
          }
          await client.query('INSERT INTO ledger (op_id, key, amount) VALUES ($1, $2, $3)', [op.id, key, amount]);
          await client.query('COMMIT');
          balance = Number(rows[0].value);
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          throw err; // the lab classifies it: refused -> fail, cut after sending -> unknown
        } finally {
          client.release();
        }
        await op.point('after-db-commit');
        try {
          await redis.del(key);
        } catch {
          // The payment stands: the database decided. The stale entry only displays, until its TTL.
        }
        return balance;
      },
    };
  },
});
