import pg from 'pg';
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

export function createDbDriver(url: string, schema: string, settings: PgSettings): DbDriver {
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
  pool.on('error', () => undefined);
  // A checked-out client has lost the pool's listener: a link cut while it is out (mid-transaction)
  // then emits 'error' with nobody listening, which kills the app. Its statements are rejected as
  // well, and those rejections are what we classify.
  pool.on('connect', (client) => client.on('error', () => undefined));

  const driver: DbDriver = {
    query: async <R extends Row>(sql: string, params: unknown[] = []) => {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        return failed('fail', err); // never got a connection: nothing was sent
      }
      try {
        const res = await client.query<R>(sql, params);
        client.release();
        return ok(res.rows);
      } catch (err) {
        client.release(isServerError(err) ? undefined : true);
        return failed(isServerError(err) ? 'fail' : 'unknown', err);
      }
    },

    begin: async () => {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        return failed('fail', err);
      }
      try {
        await client.query('BEGIN');
      } catch (err) {
        // A pooled connection the proxy cut while it sat idle: destroy it, or the pool keeps
        // counting it as checked out and runs dry.
        client.release(true);
        return failed('fail', err);
      }
      return ok(transaction(client));
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

function transaction(client: pg.PoolClient): Tx {
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
        return ok((await client.query<R>(sql, params)).rows);
      } catch (err) {
        // Before COMMIT nothing is durable: a refused statement aborts the transaction, and a
        // dead link makes the server roll it back. Either way it certainly did not happen.
        await rollbackQuietly(client);
        finish(!isServerError(err));
        return failed('fail', err);
      }
    },
    commit: async () => {
      if (done) return failed('fail', new Error('transaction already finished'));
      try {
        await client.query('COMMIT');
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
      await rollbackQuietly(client);
      finish(false);
    },
  };
}

async function rollbackQuietly(client: pg.PoolClient): Promise<void> {
  try {
    await client.query('ROLLBACK');
  } catch {
    // The link is gone; the server rolls back an open transaction when its connection dies.
  }
}

/** An error the server sent (it has a SQLSTATE and a severity), as opposed to a lost link. */
function isServerError(err: unknown): boolean {
  return err instanceof pg.DatabaseError;
}
