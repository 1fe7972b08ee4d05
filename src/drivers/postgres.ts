import pg from 'pg';
import type { Outcome } from '../history/history.js';
import type { StoreCounters } from './counters.js';
import { countedConnect, countedQuery, type Send } from './postgres-counted.js';
import { failed, ok, type Result } from './result.js';

/** Resilience settings of the app's PostgreSQL pool; printed in every run header. */
export interface PgSettings {
  /** Pool size: connections the app may hold at once. */
  poolMax: number;
  /** ms to wait for a connection (pool wait plus TCP connect). */
  connectionTimeoutMs: number;
  /** ms a statement may take before the client gives up on it (the server may still run it). */
  queryTimeoutMs: number;
  /** ms an idle pooled connection is kept. */
  idleTimeoutMs: number;
}

/**
 * What node-postgres really accepts for each setting (inclusive). pg reads a pool size of 0 as
 * 10, and a connection or query timeout of 0 as "wait for ever"; an idle timeout of 0 keeps idle
 * connections for ever, which is allowed.
 */
export const pgSettingRanges: Record<keyof PgSettings, [number, number]> = {
  poolMax: [1, 1000],
  connectionTimeoutMs: [1, 2 ** 31 - 1],
  queryTimeoutMs: [1, 2 ** 31 - 1],
  idleTimeoutMs: [0, 2 ** 31 - 1],
};

export const defaultPgSettings: PgSettings = {
  poolMax: 4,
  connectionTimeoutMs: 2000,
  queryTimeoutMs: 2000,
  idleTimeoutMs: 10_000,
};

export type Row = Record<string, unknown>;

/** A transaction in progress. Statements resolve; none throws. */
export interface Tx {
  query<R extends Row = Row>(sql: string, params?: unknown[]): Promise<Result<R[]>>;
  /** ok: committed. fail: the server refused (rolled back). unknown: the link died during COMMIT. */
  commit(): Promise<Result<void>>;
  /** Always settles; a dead link rolls back on the server anyway. */
  rollback(): Promise<void>;
}

/** The narrow PostgreSQL edge. Every statement runs in the run's schema (search_path). */
export interface DbDriver {
  /** One autocommit statement. */
  query<R extends Row = Row>(sql: string, params?: unknown[]): Promise<Result<R[]>>;
  /** BEGIN on a pooled connection; the connection returns to the pool on commit or rollback. */
  begin(): Promise<Result<Tx>>;
  /**
   * BEGIN, run `body`, COMMIT if it returned ok, else ROLLBACK and pass its answer on. The
   * result is the body's value, or the commit's fail/unknown.
   */
  transaction<T>(body: (tx: Tx) => Promise<Result<T>>): Promise<Result<T>>;
  close(): Promise<void>;
}

/**
 * A pg Pool with the lab's settings, every connection's search_path set to `schema`. Shared by the
 * DbDriver and the raw pool a strategy module gets. `onLinkError` hears each error a pooled
 * connection emits (the link died).
 */
export function createPool(url: string, schema: string, settings: PgSettings, onLinkError: (err: Error) => void = () => undefined): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: settings.poolMax,
    connectionTimeoutMillis: settings.connectionTimeoutMs,
    query_timeout: settings.queryTimeoutMs,
    idleTimeoutMillis: settings.idleTimeoutMs,
    options: `-c search_path=${schema}`,
  });
  // pg-pool re-emits errors of idle clients (a proxy that cut the link); without a listener that
  // kills the process. The next query on a fresh client tells the strategy what it needs.
  pool.on('error', onLinkError);
  // A connection that dies while checked out emits 'error' on the client itself, where pg-pool no
  // longer listens; unheard, that crashes the app. The query in flight rejects and is classified.
  pool.on('connect', (client) => client.on('error', onLinkError));
  return pool;
}

/**
 * The one rule PostgreSQL errors of a single statement are classified by (the driver's query()
 * and the raw pools of strategy modules both use it). `sent`: a connection was obtained and the
 * statement handed to it.
 * - An error the server sent (SQLSTATE): it refused the statement: fail.
 * - No connection (pool wait or connect failed): nothing was sent: fail.
 * - Sent and the answer lost (link cut, client-side timeout): it may have run: unknown.
 */
export function pgErrorOutcome(err: unknown, sent: boolean): { outcome: Exclude<Outcome, 'ok'>; why: string } {
  if (isServerError(err)) {
    const code = (err as pg.DatabaseError).code;
    return { outcome: 'fail', why: `PostgreSQL refused the statement${code ? ` (SQLSTATE ${code})` : ''}` };
  }
  if (!sent) return { outcome: 'fail', why: 'no PostgreSQL connection, so nothing was sent' };
  return { outcome: 'unknown', why: 'a PostgreSQL statement sent before the link was cut or timed out may have run' };
}

/** `counters`: where the app's load generator counts statements and pool waits (optional). */
export function createDbDriver(url: string, schema: string, settings: PgSettings, counters?: StoreCounters): DbDriver {
  const pool = createPool(url, schema, settings);
  const connect = counters ? countedConnect(pool, settings.poolMax, counters) : () => pool.connect();
  const send = counters ? countedQuery(counters) : <R extends Row>(client: pg.PoolClient, sql: string, params?: unknown[]) => client.query<R>(sql, params);

  const driver: DbDriver = {
    query: async <R extends Row>(sql: string, params: unknown[] = []) => {
      let client: pg.PoolClient;
      try {
        client = await connect();
      } catch (err) {
        return failed(pgErrorOutcome(err, false).outcome, err);
      }
      try {
        const res = await send<R>(client, sql, params);
        client.release();
        return ok(res.rows);
      } catch (err) {
        client.release(isServerError(err) ? undefined : true);
        return failed(pgErrorOutcome(err, true).outcome, err);
      }
    },

    begin: async () => {
      let client: pg.PoolClient;
      try {
        client = await connect();
      } catch (err) {
        return failed('fail', err);
      }
      try {
        await send(client, 'BEGIN');
      } catch (err) {
        // Nothing durable happened; a connection that did not answer is not given back for reuse.
        client.release(isServerError(err) ? undefined : true);
        return failed('fail', err);
      }
      return ok(transaction(client, send));
    },

    async transaction<T>(body: (tx: Tx) => Promise<Result<T>>): Promise<Result<T>> {
      const tx = await driver.begin();
      if (tx.outcome !== 'ok') return tx;
      const res = await body(tx.value);
      if (res.outcome !== 'ok') {
        await tx.value.rollback();
        return res;
      }
      const commit = await tx.value.commit();
      return commit.outcome === 'ok' ? res : commit;
    },

    close: () => pool.end(),
  };
  return driver;
}

function transaction(client: pg.PoolClient, send: Send): Tx {
  let done = false;
  const finish = (broken: boolean): void => {
    if (done) return;
    done = true;
    client.release(broken || undefined);
  };
  return {
    query: async <R extends Row>(sql: string, params: unknown[] = []) => {
      if (done) return failed('fail', new Error('transaction already finished'));
      try {
        return ok((await send<R>(client, sql, params)).rows);
      } catch (err) {
        // Before COMMIT nothing is durable: a refused statement aborts the transaction, and a
        // dead link makes the server roll it back. Either way it certainly did not happen.
        await rollbackQuietly(client, send);
        finish(!isServerError(err));
        return failed('fail', err);
      }
    },
    commit: async () => {
      if (done) return failed('fail', new Error('transaction already finished'));
      try {
        await send(client, 'COMMIT');
        finish(false);
        return ok(undefined);
      } catch (err) {
        finish(!isServerError(err));
        // The server answered "no" (e.g. serialization failure): rolled back. No answer at all:
        // the COMMIT may have been applied before the link died.
        return failed(isServerError(err) ? 'fail' : 'unknown', err);
      }
    },
    rollback: async () => {
      if (done) return;
      await rollbackQuietly(client, send);
      finish(false);
    },
  };
}

async function rollbackQuietly(client: pg.PoolClient, send: Send): Promise<void> {
  try {
    await send(client, 'ROLLBACK');
  } catch {
    // The link is gone; the server rolls back an open transaction when its connection dies.
  }
}

/** An error the server sent (it has a SQLSTATE and a severity), as opposed to a lost link. */
export function isServerError(err: unknown): boolean {
  return err instanceof pg.DatabaseError;
}
