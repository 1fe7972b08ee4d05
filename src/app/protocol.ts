import type { PgSettings } from '../drivers/postgres.js';
import type { RedisSettings } from '../drivers/redis.js';
import type { ClientOp, Outcome } from '../history/history.js';
import type { FaultPoint } from '../strategies/fault-points.js';
import type { LoadReport, LoadSpec } from './load-spec.js';

/** How the app process is configured, passed as JSON in CACHELAB_APP_CONFIG. */
export interface AppConfig {
  /** A built-in strategy's name, or a strategy module's (as reported). */
  strategy: string;
  /** Absolute path of the user's strategy module to serve instead of a built-in. */
  strategyModule?: string;
  /** Through the fault proxy. */
  redisUrl: string;
  databaseUrl: string;
  schema: string;
  /** A read replica of the database, through the fault proxy, and its subscription's name (scenarios that need one). */
  replica?: { databaseUrl: string; subscription: string };
  keyPrefix: string;
  /** TTL the strategy puts on cache entries it fills or writes, ms; 0 = none. */
  cacheTtlMs: number;
  redis: RedisSettings;
  pg: PgSettings;
  /** Which of the run's app processes this is, 0-based (several with --apps or a scenario's apps). */
  app?: number;
}

/** Lab -> app. */
export type LabMessage =
  | { type: 'op'; id: string; op: ClientOp }
  | { type: 'arm'; points: { point: FaultPoint; opId: string }[] }
  /** A new run on this process: disarm every point; with trace, report each unarmed point reached. */
  | { type: 'reset-points'; trace: boolean }
  | { type: 'resume'; hitId: number }
  | { type: 'health'; id: number }
  /** Run a closed-loop load inside the app (src/app/load.ts); answered by load-report or load-refused. */
  | { type: 'load'; id: number; spec: LoadSpec }
  | { type: 'shutdown' };

/** App -> lab. */
export type AppMessage =
  | { type: 'ready'; pid: number }
  /**
   * strategyThrew: the strategy threw instead of answering (a bug in it); outcome is unknown.
   * problems: what the strategy did wrong while serving it (each makes the run unknown).
   */
  | { type: 'result'; id: string; outcome: Outcome; value?: number | string | null; error?: string; strategyThrew?: boolean; problems?: string[] }
  | { type: 'hit'; hitId: number; point: FaultPoint; opId: string }
  /** An unarmed point was reached (only while tracing): it goes on at once. */
  | { type: 'passed'; point: FaultPoint; opId: string }
  /** idle: the strategy's background work (a queue, a relay) has nothing left to apply. */
  | { type: 'health'; id: number; redis: boolean; db: boolean; idle: boolean }
  /** The load's clock started (after its warm-up): the lab lines its faults up with it. */
  | { type: 'load-started'; id: number }
  | { type: 'load-report'; id: number; report: LoadReport }
  /** The spec cannot be run (what is wrong with it). */
  | { type: 'load-refused'; id: number; error: string }
  /** The app cannot serve (a strategy module's create() threw); it exits next. */
  | { type: 'fatal'; error: string };
