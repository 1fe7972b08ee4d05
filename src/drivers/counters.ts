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
  /** Connection checkouts, waiting or not: the population of the pool-wait percentiles. */
  checkouts: number;
  /** Waits by class: index i counts the waits of at most POOL_WAIT_EDGES_MS[i] ms (and above the edge before); the last, longer ones. */
  poolWaitClasses: number[];
}

/** Upper edges of the pool-wait classes, ms: fine enough to tell a percentile against the load budget's 100 ms. */
export const POOL_WAIT_EDGES_MS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2000];

export const newStoreCounters = (): StoreCounters => ({
  redisCommands: 0,
  dbStatements: 0,
  dbStatementMs: 0,
  poolWaits: 0,
  poolWaitMs: 0,
  checkouts: 0,
  poolWaitClasses: POOL_WAIT_EDGES_MS.map(() => 0).concat(0),
});

/** A reading of the counters that later counting does not change. */
export const copyCounters = (c: StoreCounters): StoreCounters => ({ ...c, poolWaitClasses: [...c.poolWaitClasses] });

/** Counts one checkout that waited `ms` for a connection. */
export function countPoolWait(c: StoreCounters, ms: number): void {
  c.poolWaits += 1;
  c.poolWaitMs += ms;
  const i = POOL_WAIT_EDGES_MS.findIndex((edge) => ms <= edge);
  c.poolWaitClasses[i === -1 ? POOL_WAIT_EDGES_MS.length : i] = (c.poolWaitClasses[i === -1 ? POOL_WAIT_EDGES_MS.length : i] ?? 0) + 1;
}

/**
 * The pool wait at `percentile` (0-100) of every checkout (one that did not wait counts 0), as the
 * upper edge of its class, ms; past the last edge, the last edge (a lower bound). 0 without checkouts.
 */
export function poolWaitPercentileMs(c: StoreCounters, percentile: number): number {
  if (c.checkouts === 0) return 0;
  const rank = Math.ceil((percentile / 100) * c.checkouts);
  let seen = c.checkouts - c.poolWaits;
  if (seen >= rank) return 0;
  for (const [i, n] of c.poolWaitClasses.entries()) {
    seen += n;
    if (seen >= rank) return POOL_WAIT_EDGES_MS[Math.min(i, POOL_WAIT_EDGES_MS.length - 1)] ?? 0;
  }
  return POOL_WAIT_EDGES_MS.at(-1) ?? 0;
}

/** b - a, field by field. */
export function countersSince(a: StoreCounters, b: StoreCounters): StoreCounters {
  return {
    redisCommands: b.redisCommands - a.redisCommands,
    dbStatements: b.dbStatements - a.dbStatements,
    dbStatementMs: b.dbStatementMs - a.dbStatementMs,
    poolWaits: b.poolWaits - a.poolWaits,
    poolWaitMs: b.poolWaitMs - a.poolWaitMs,
    checkouts: b.checkouts - a.checkouts,
    poolWaitClasses: b.poolWaitClasses.map((n, i) => n - (a.poolWaitClasses[i] ?? 0)),
  };
}
