import type { DbDriver } from '../drivers/postgres.js';
import { ok, type Result } from '../drivers/result.js';
import { broke, type OpContext, type OpResult, type StrategyDefinition, type StrategyDeps } from './strategy.js';

/** The read replica a strategy of this family reads from. */
export type Replica = NonNullable<StrategyDeps['replica']>;

/** Where a fill reads the row. */
export type FillSource = 'replica' | 'primary';

/** The answer of an op served where no read replica was configured: it certainly did nothing. */
export const noReplica: OpResult = { outcome: 'fail', error: 'this strategy reads from a read replica, and the app has none (a scenario that needs read-replica has one)' };

/**
 * Cache-aside read whose fill reads `source(key)`'s database: the replica, unless the strategy
 * knows it is behind. A cache that cannot be read is not filled (the entry would be unknowable).
 */
export async function replicaFillRead(
  deps: StrategyDeps,
  key: string,
  op: OpContext,
  source: (replica: Replica) => Promise<Result<FillSource>>,
): Promise<OpResult> {
  const replica = deps.replica;
  if (replica === undefined) return noReplica;
  const cached = await deps.cache.get(key);
  if (cached.outcome === 'ok' && cached.value !== null) {
    await op.point('after-cache-read');
    return { outcome: 'ok', value: Number(cached.value) };
  }
  const from = await source(replica);
  if (from.outcome !== 'ok') return broke('choosing where to fill from', from);
  const db = from.value === 'replica' ? replica.db : deps.db;
  const rows = await db.query<{ value: string }>('SELECT value FROM records WHERE key = $1', [key]);
  if (rows.outcome !== 'ok') return broke(`${from.value} read`, rows);
  const row = rows.value[0];
  if (row === undefined) return { outcome: 'ok', value: null };
  await op.point('after-fill-read');
  if (cached.outcome === 'ok') await deps.cache.set(key, row.value, deps.cacheTtlMs);
  return { outcome: 'ok', value: Number(row.value) };
}

/**
 * The primary's WAL position once a commit has returned: at or past the end of that commit
 * (a commit flushes its WAL first), and equal to it when nothing was written since. Read after
 * the commit, in any session.
 */
export async function primaryPosition(db: DbDriver): Promise<Result<string>> {
  const rows = await db.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
  return rows.outcome === 'ok' ? ok(rows.value[0]?.lsn ?? '0/0') : rows;
}

/**
 * Whether the replica has applied the primary's commits up to `lsn`: its subscription's applied
 * position (the end of the last commit it applied) is at or past it. A position past the last
 * replicated commit (WAL that is never replicated) is never reached, so a caller bounds its wait.
 */
export async function replicaReached(replica: Replica, lsn: string): Promise<Result<boolean>> {
  const rows = await replica.db.query<{ reached: boolean }>(
    `SELECT coalesce(bool_or(s.remote_lsn >= $2::pg_lsn), false) AS reached
       FROM pg_replication_origin_status s JOIN pg_subscription sub ON s.external_id = 'pg_' || sub.oid
      WHERE sub.subname = $1`,
    [replica.subscription, lsn],
  );
  return rows.outcome === 'ok' ? ok(rows.value[0]?.reached === true) : rows;
}

/** The write every strategy here starts with: the new value committed on the primary. */
export async function commitOnPrimary(deps: StrategyDeps, key: string, value: number): Promise<OpResult | undefined> {
  const res = await deps.db.query('UPDATE records SET value = $2, version = version + 1 WHERE key = $1', [key, value]);
  return res.outcome === 'ok' ? undefined : broke('database write', res);
}

/**
 * The write every replica strategy starts from: commit on the primary, then delete the entry (best
 * effort: the database decided, and the TTL bounds a lost delete). ok(value) once committed.
 */
export async function commitThenDelete(deps: StrategyDeps, key: string, value: number, op: OpContext): Promise<OpResult> {
  const failed = await commitOnPrimary(deps, key, value);
  if (failed) return failed;
  await op.point('after-db-commit');
  await deps.cache.del(key);
  await op.point('after-cache-delete');
  return { outcome: 'ok', value };
}

/**
 * The naive replica fill: writes commit on the primary and delete the entry; a reader that misses
 * fills from the replica. While the replica lags, that fill reads the value the write replaced, and
 * nothing deletes it again: it stays until its TTL.
 */
export const replicaFill: StrategyDefinition = {
  name: 'replica-fill',
  summary: 'writes commit on the primary and delete the entry; a miss fills from the read replica (with a TTL)',
  cacheRole: 'display',
  cacheTtlMs: 30_000,
  create: (deps) => ({
    read: (key, op) => replicaFillRead(deps, key, op, () => Promise.resolve(ok('replica'))),
    write: (key, value, op) => commitThenDelete(deps, key, value, op),
  }),
};
