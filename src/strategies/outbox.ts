import { BackgroundLoop, type PassResult } from './background-loop.js';
import { cacheOrder, readOrders } from './orders.js';
import { broke, jobId, type StrategyDefinition, type StrategyDeps } from './strategy.js';

/** Outbox rows the relay applies per pass. */
const BATCH = 50;

/**
 * The transactional outbox: the database first. The order row and an outbox row commit in one
 * transaction, and only then is the order acknowledged; a relay applies committed outbox rows to
 * the cache (SADD, idempotent) and marks each done after. The relay runs in the app process as a
 * background loop: it dies with a SIGKILLed app and starts again with it, and the rows it had not
 * marked done are applied then (again, harmlessly, if it died between the SADD and the mark). No
 * acknowledged order can be lost with the app or with Redis; the cost is that an order is refused
 * while the database cannot be reached, and that the cache shows it a relay pass later.
 */
export const outbox: StrategyDefinition = {
  name: 'outbox',
  summary: 'order row and outbox row in one PostgreSQL transaction; a relay in the app applies the outbox to the cache and marks rows done',
  cacheRole: 'display',
  cacheTtlMs: 60_000,
  create(deps) {
    const relay = new BackgroundLoop('outbox relay', () => relayPass(deps));
    return {
      read: (key) => readOrders(deps, key),

      async add(key, item, op) {
        const committed = await deps.db.transaction(async (tx) => {
          const row = await tx.query('INSERT INTO set_items (key, item) VALUES ($1, $2)', [key, item]);
          return row.outcome === 'ok' ? tx.query('INSERT INTO outbox (key, item) VALUES ($1, $2)', [key, item]) : row;
        });
        // Unknown: the COMMIT may have landed, and then the relay has a row to apply.
        if (committed.outcome !== 'fail') relay.notify();
        if (committed.outcome !== 'ok') return broke('database order + outbox', committed);
        await op.point('after-db-commit');
        return { outcome: 'ok' };
      },

      idle: () => relay.idle,
      close: () => relay.close(),
    };
  },
};

/** Applies the oldest outbox rows not yet done, in order; stops at the first failure. */
async function relayPass(deps: StrategyDeps): Promise<PassResult> {
  const rows = await deps.db.query<{ id: string; key: string; item: string }>(
    'SELECT id, key, item FROM outbox WHERE done_at IS NULL ORDER BY id LIMIT $1',
    [BATCH],
  );
  if (rows.outcome !== 'ok') return 'broken';
  if (rows.value.length === 0) return 'idle';
  for (const row of rows.value) {
    const cached = await cacheOrder(deps, row.key, row.item);
    if (cached.outcome !== 'ok') return 'broken';
    await deps.point('after-cache-write', jobId(row.item));
    const done = await deps.db.query('UPDATE outbox SET done_at = clock_timestamp() WHERE id = $1', [row.id]);
    if (done.outcome !== 'ok') return 'broken';
  }
  return 'worked';
}
