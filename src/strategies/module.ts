import type { RawPool, RawRedis } from '../drivers/raw-clients.js';
import type { ClientOp, Outcome } from '../history/history.js';
import type { FaultPoint } from './fault-points.js';

/*
 * The contract of a user's strategy module (docs/strategy-modules.md): an ES module whose default
 * export is a StrategyModule. The app process imports it and serves the scenario's operations with
 * it, as it serves a built-in strategy.
 */

/** A client operation, served by the module's method of the same name. */
export type ModuleOperation = ClientOp['kind'];
// A Record over every kind: a ClientOp kind added without a method here fails to compile.
const methodOf: Record<ModuleOperation, true> = { read: true, debit: true, write: true, add: true, order: true };
export const moduleOperations = Object.keys(methodOf) as ModuleOperation[];

/** The operation being served. */
export interface ModuleOp {
  /** The operation's id ("p1"), unique in the run: the payment or order id, and an idempotency key. */
  id: string;
  /**
   * Marks a fault point. Where the scenario arms `name` for this operation, the lab injects its
   * faults here and resolves once they are in place; elsewhere it resolves at once.
   */
  point(name: FaultPoint): Promise<void>;
}

/** What a method answers: its value (ok), or an explicit outcome. */
export type MethodResult =
  | number
  | string
  | null
  | undefined
  | {
      /** ok: it happened; fail: it certainly did not (refused, declined); unknown: it may have. */
      outcome: Outcome;
      value?: number | string | null;
      /** Why, shown in the history. */
      error?: string;
    };

/** What create() returns: the methods the scenarios call. A scenario runs a module only if it has all it calls. */
export interface StrategyMethods {
  /** The value at `key` as the application serves it (a balance, a stock, a price); null if none. */
  read(key: string, op: ModuleOp): Promise<MethodResult> | MethodResult;
  /** Take `amount` from the balance at `key` if it covers it; refuse ({ outcome: 'fail' }) otherwise. */
  debit?(key: string, amount: number, op: ModuleOp): Promise<MethodResult> | MethodResult;
  /** Set the value at `key`. */
  write?(key: string, value: number, op: ModuleOp): Promise<MethodResult> | MethodResult;
  /** Add `item` to the set at `key`. */
  add?(key: string, item: string, op: ModuleOp): Promise<MethodResult> | MethodResult;
  /** Sell one unit of the stock at `key` (the order id is op.id); refuse when sold out. */
  order?(key: string, op: ModuleOp): Promise<MethodResult> | MethodResult;
}

/** What create() gets. */
export interface StrategyModuleDeps {
  /** ioredis, through the fault proxy; keys are prefixed with the run's namespace (use plain keys). */
  redis: RawRedis;
  /** A pg Pool, through the fault proxy; search_path is the run's schema (plain table names). */
  db: RawPool;
  /** The module's cacheTtlMs (0 = no TTL), the TTL the lab also puts on the scenario's warm cache. */
  cacheTtlMs: number;
  /**
   * In a scenario that needs read-replica: a pg Pool on the replica, through the fault proxy (same
   * search_path), and the name of its subscription, whose applied position is
   * `pg_replication_origin_status.remote_lsn`. Absent elsewhere.
   */
  replica?: { db: RawPool; subscription: string };
}

/** The default export of a strategy module. */
export interface StrategyModule {
  /** Shown in reports, verbatim; must not be the name of a built-in strategy. */
  name: string;
  summary?: string;
  /** ms; 0 or absent = no TTL. */
  cacheTtlMs?: number;
  /**
   * Builds the strategy. Called once in each app process, and once up front in the lab's own
   * process with stand-in clients that never answer, to see which methods it has: build the object
   * here, and use the clients in the methods.
   */
  create(deps: StrategyModuleDeps): StrategyMethods | Promise<StrategyMethods>;
}
