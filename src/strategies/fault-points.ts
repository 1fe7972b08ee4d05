/**
 * Named places in strategy code where a scenario can inject a fault. A strategy calls
 * `op.point(name)`; in a run that arms the point for that op, the app pauses there and tells the
 * lab, which injects the fault and then lets it go on (or kills the app). Background work (a queue
 * worker, an outbox relay) calls `deps.point(name, jobId(order))` under the job's own id,
 * `write:<order id>`, which a rule arms like an op id.
 */
export const faultPoints = [
  'after-cache-read', // a value was read from the cache (stale-read windows)
  'after-fill-read', // cache miss: the database row was read, the cache not yet filled
  'before-db-write',
  'after-db-commit', // the database committed, the cache does not know yet (a write-behind worker: the queue entry is not acknowledged yet)
  'after-cache-write', // the cache was written: after the commit (write-through, versioned; an outbox relay, before it marks the row done), or before the database knows (cache-first, write-behind)
  'after-cache-delete', // an invalidation went through (delayed-double-delete: the first of its two)
  'before-compensate', // a saga step failed; its compensation has not run
  'queue-not-empty', // write-behind: the order is queued and about to be acknowledged
] as const;
export type FaultPoint = (typeof faultPoints)[number];

/** True for a name of the list above (a strategy module's op.point() gets any string). */
export const isFaultPoint = (name: unknown): name is FaultPoint => (faultPoints as readonly unknown[]).includes(name);
