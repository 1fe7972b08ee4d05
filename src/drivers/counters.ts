/**
 * What the app's store clients sent, counted where it is sent: the load generator's figures of
 * database and Redis load. Monotonic; a reader takes differences between two readings.
 */
export interface StoreCounters {
  /** Commands handed to ioredis (sendCommand), MULTI and EXEC included, whatever their outcome. */
  redisCommands: number;
  /** Statements handed to a pooled PostgreSQL connection (BEGIN and COMMIT included). */
  dbStatements: number;
  /** ms those statements held their connection, from hand-over to answer (or error). */
  dbStatementMs: number;
  /** Connection checkouts that found no idle connection and the pool at its size, so waited. */
  poolWaits: number;
  /** ms spent in those waits. */
  poolWaitMs: number;
}

export const newStoreCounters = (): StoreCounters => ({ redisCommands: 0, dbStatements: 0, dbStatementMs: 0, poolWaits: 0, poolWaitMs: 0 });

/** b - a, field by field. */
export function countersSince(a: StoreCounters, b: StoreCounters): StoreCounters {
  return {
    redisCommands: b.redisCommands - a.redisCommands,
    dbStatements: b.dbStatements - a.dbStatements,
    dbStatementMs: b.dbStatementMs - a.dbStatementMs,
    poolWaits: b.poolWaits - a.poolWaits,
    poolWaitMs: b.poolWaitMs - a.poolWaitMs,
  };
}
