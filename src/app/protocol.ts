import type { PgSettings } from '../drivers/postgres.js';
import type { RedisSettings } from '../drivers/redis.js';
import type { ClientOp, Outcome } from '../runner/history.js';

/**
 * Named places in strategy code where a scenario can inject a fault. A strategy calls
 * `op.point(name)`; in a run that arms the point for that op, the app pauses there and tells the
 * lab, which injects the fault and then lets it go on (or kills the app).
 */
export const faultPoints = [
  'after-cache-read', // a value was read from the cache (stale-read windows)
  'after-fill-read', // cache miss: the database row was read, the cache not yet filled
  'before-db-write',
  'after-db-commit', // the database committed, the cache does not know yet
  'after-cache-write', // the cache changed, the database does not know yet (cache-first, write-behind)
  'after-cache-delete', // an invalidation went through
  'before-compensate', // a saga step failed; its compensation has not run
  'queue-not-empty', // write-behind: acknowledged work waits in the queue
] as const;
export type FaultPoint = (typeof faultPoints)[number];

/** How the app process is configured, passed as JSON in CACHELAB_APP_CONFIG. */
export interface AppConfig {
  strategy: string;
  /** Through the fault proxy. */
  redisUrl: string;
  databaseUrl: string;
  schema: string;
  keyPrefix: string;
  /** TTL the strategy puts on cache entries it fills or writes, ms; 0 = none. */
  cacheTtlMs: number;
  redis: RedisSettings;
  pg: PgSettings;
}

/** Lab -> app. */
export type LabMessage =
  | { type: 'op'; id: string; op: ClientOp }
  | { type: 'arm'; points: { point: FaultPoint; opId: string }[] }
  | { type: 'resume'; hitId: number }
  | { type: 'health'; id: number }
  | { type: 'shutdown' };

/** App -> lab. */
export type AppMessage =
  | { type: 'ready'; pid: number }
  | { type: 'result'; id: string; outcome: Outcome; value?: number | string | null; error?: string }
  | { type: 'hit'; hitId: number; point: FaultPoint; opId: string }
  | { type: 'health'; id: number; redis: boolean; db: boolean }
  | { type: 'fatal'; error: string };
