import type pg from 'pg';
import { countPoolWait, type StoreCounters } from './counters.js';
import type { Row } from './postgres.js';

/*
 * The DbDriver's counted paths (for the app's load generator): statements handed to a pooled
 * connection with the time they held it, and checkouts that had to wait for the pool.
 */

/** Hands a statement to a pooled connection. */
export type Send = <R extends Row>(client: pg.PoolClient, sql: string, params?: unknown[]) => Promise<pg.QueryResult<R>>;

/** pool.connect(), counting a checkout that has to wait for a connection to come back. */
export function countedConnect(pool: pg.Pool, poolMax: number, counters: StoreCounters): () => Promise<pg.PoolClient> {
  return async () => {
    const waits = pool.idleCount === 0 && pool.totalCount >= poolMax;
    const start = performance.now();
    const client = await pool.connect();
    counters.checkouts += 1;
    if (waits) countPoolWait(counters, performance.now() - start);
    return client;
  };
}

export function countedQuery(counters: StoreCounters): Send {
  return async <R extends Row>(client: pg.PoolClient, sql: string, params?: unknown[]) => {
    counters.dbStatements += 1;
    const start = performance.now();
    try {
      return await client.query<R>(sql, params);
    } finally {
      counters.dbStatementMs += performance.now() - start;
    }
  };
}
