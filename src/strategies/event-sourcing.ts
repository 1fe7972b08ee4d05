import { metaKey } from '../drivers/redis.js';
import { ok, type Result } from '../drivers/result.js';
import type { Tx } from '../drivers/postgres.js';
import { broke, declined, soldOut, type OpContext, type OpResult, type StrategyDefinition, type StrategyDeps } from './strategy.js';
import { storeIfNewer, versionKey } from './versioned.js';

/**
 * The append-only logs: a payment is a `ledger` row, a sale an `orders` row, each numbered by its
 * id. They are the truth. `records` (value, and in `version` the id of the last event applied) and
 * the cache are projections of them.
 */
const logs = {
  debit: "SELECT id, amount FROM ledger WHERE key = $1 AND id > $2 AND status = 'applied' ORDER BY id",
  order: 'SELECT id, 1 AS amount FROM orders WHERE item = $1 AND id > $2 ORDER BY id',
} as const;

/** How long the oldest event the cache projection had not seen waited for it, ms, on the database's clock. */
const lagOf = {
  debit: 'SELECT EXTRACT(EPOCH FROM clock_timestamp() - min(at)) * 1000 AS ms FROM ledger WHERE key = $1 AND id > $2',
  order: 'SELECT EXTRACT(EPOCH FROM clock_timestamp() - min(at)) * 1000 AS ms FROM orders WHERE item = $1 AND id > $2',
} as const;

/** Bookkeeping: the largest lag of the cache projection behind the log seen in this run, ms. */
export const lagKey = (key: string): string => metaKey('es-lag-ms', key);
type Log = keyof typeof logs;

/**
 * Event sourcing (the design's third remedy). A payment or a sale is decided on the log: the
 * projection's last state plus the events it has not applied yet, under a per-stream lock, and
 * is acknowledged once its event is committed. A projector then applies the new events to
 * `records` and to the cache (a compare-and-set on the event number, so an older projection never
 * overwrites a newer one). A projection that fails (a cut link) lags; every later operation on the
 * stream first lets the projector catch up, so the read side heals without anyone remembering it.
 * The largest lag of the cache behind the log is kept as bookkeeping (`_meta:es-lag-ms:<key>`).
 */
export const eventSourcing: StrategyDefinition = {
  name: 'event-sourcing',
  summary: 'decide on the append-only log; project it to the records table and the cache, catching up after a failure',
  cacheRole: 'display',
  cacheTtlMs: 0,
  create: (deps) => ({
    async read(key, op) {
      await project(deps, key, 'debit');
      const cached = await deps.cache.get(key);
      if (cached.outcome === 'ok' && cached.value !== null) {
        await op.point('after-cache-read');
        return { outcome: 'ok', value: Number(cached.value) };
      }
      const rows = await deps.db.query<{ value: string }>('SELECT value FROM records WHERE key = $1', [key]);
      if (rows.outcome !== 'ok') return broke('database read', rows);
      return { outcome: 'ok', value: rows.value[0] === undefined ? null : Number(rows.value[0].value) };
    },
    debit: (key, amount, op) => append(deps, key, amount, 'debit', op),
    order: (key, op) => append(deps, key, 1, 'order', op),
  }),
};

async function append(deps: StrategyDeps, key: string, amount: number, log: Log, op: OpContext): Promise<OpResult> {
  await project(deps, key, log); // catch up first: a projection that failed earlier heals here
  const decided = await deps.db.transaction(async (tx) => {
    const state = await streamState(tx, key, log);
    if (state.outcome !== 'ok') return state;
    const available = state.value.value - state.value.pending;
    if (available < amount) return ok({ available, appended: false });
    const event =
      log === 'debit'
        ? await tx.query('INSERT INTO ledger (op_id, key, amount) VALUES ($1, $2, $3)', [op.id, key, amount])
        : await tx.query('INSERT INTO orders (op_id, item) VALUES ($1, $2)', [op.id, key]);
    return event.outcome === 'ok' ? ok({ available, appended: true }) : event;
  });
  if (decided.outcome !== 'ok') return broke('append to the log', decided);
  if (!decided.value.appended) return log === 'debit' ? declined(decided.value.available, amount) : soldOut(key);
  await op.point('after-db-commit');
  // The event is committed: the operation happened, whatever the projections do now.
  await project(deps, key, log);
  return { outcome: 'ok', value: decided.value.available - amount };
}

/** The projection's value and how much of the log it has not applied yet, under the stream's lock. */
async function streamState(tx: Tx, key: string, log: Log): Promise<Result<{ exists: boolean; value: number; version: string; pending: number; pendingTo: string }>> {
  const lock = await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
  if (lock.outcome !== 'ok') return lock;
  const rows = await tx.query<{ value: string; version: string }>('SELECT value, version FROM records WHERE key = $1', [key]);
  if (rows.outcome !== 'ok') return rows;
  const row = rows.value[0];
  if (row === undefined) return ok({ exists: false, value: 0, version: '0', pending: 0, pendingTo: '0' });
  const events = await tx.query<{ id: string; amount: string }>(logs[log], [key, row.version]);
  if (events.outcome !== 'ok') return events;
  const pending = events.value.reduce((sum, e) => sum + Number(e.amount), 0);
  return ok({ exists: true, value: Number(row.value), version: row.version, pending, pendingTo: events.value.at(-1)?.id ?? row.version });
}

/**
 * The projector: applies the events `records` has not seen, then writes the projection to the
 * cache with its event number (the compare-and-set makes a repeat a no-op and refuses an older
 * one). Best effort: a failure leaves a projection behind, to be caught up by the next operation
 * on the stream.
 */
async function project(deps: StrategyDeps, key: string, log: Log): Promise<void> {
  const projected = await deps.db.transaction(async (tx) => {
    const state = await streamState(tx, key, log);
    if (state.outcome !== 'ok' || state.value.pending === 0) return state.outcome === 'ok' ? ok(state.value) : state;
    const update = await tx.query('UPDATE records SET value = value - $2, version = $3 WHERE key = $1', [key, state.value.pending, state.value.pendingTo]);
    return update.outcome === 'ok' ? ok({ ...state.value, value: state.value.value - state.value.pending, version: state.value.pendingTo }) : update;
  });
  if (projected.outcome !== 'ok' || !projected.value.exists) return;
  const seen = await deps.cache.get(versionKey(key));
  const stored = await storeIfNewer(deps, key, String(projected.value.value), projected.value.version);
  if (seen.outcome === 'ok' && stored.outcome === 'ok' && stored.value === 1) {
    await recordLag(deps, key, log, seen.value ?? '0', projected.value.version);
  }
}

/**
 * When the cache projection has just caught up from event `from` to `to`: how long the oldest of
 * those events waited, kept as the maximum under lagKey (shown with the result as bookkeeping).
 * Best effort, like the projection itself.
 */
async function recordLag(deps: StrategyDeps, key: string, log: Log, from: string, to: string): Promise<void> {
  if (from === to) return;
  const lag = await deps.db.query<{ ms: string | null }>(lagOf[log], [key, from]);
  const ms = lag.outcome === 'ok' ? Math.round(Number(lag.value[0]?.ms ?? 0)) : 0;
  const previous = await deps.cache.get(lagKey(key));
  if (previous.outcome === 'ok' && ms > Number(previous.value ?? 0)) await deps.cache.set(lagKey(key), String(ms));
}
