import type { FaultPoint } from '../strategies/fault-points.js';
import type { Checker, CheckResult, Verdict } from '../checkers/checker.js';
import type { ToxicSpec } from '../drivers/toxiproxy-api.js';
import type { AppAnswer } from './app-process.js';
import type { ClientOp } from '../history/history.js';
import type { RedisPersistence } from '../stack/contract.js';
import type { LoadBudget } from '../checkers/load-budget.js';
import type { LoadRun, ScenarioLoad } from './load-run.js';

/**
 * Which proxied link a network fault acts on: an app's link to Redis or PostgreSQL, or a link of
 * no one app: the app's reads from the read replica (`replica`), the read replica's replication
 * link to the PostgreSQL primary (`pg-replication`; a latency toxic there is its lag), or the Redis
 * replica's link to its primary (`redis-replication`, a scenario that needs redis-failover).
 */
export type Link = 'redis' | 'postgres' | 'replica' | 'pg-replication' | 'redis-replication';

/**
 * What the lab can do to the system. Network faults are undone by the runner, always. With several
 * app processes each has its own pair of links: `app` (0-based) picks one app's link; without it a
 * network fault acts on the link of every app (the service itself is slow or cut off).
 */
export type Fault =
  | { kind: 'toxic'; link: Link; toxic: ToxicSpec; app?: number }
  /** Disable the proxy: new connections refused, open ones closed. */
  | { kind: 'link-down'; link: Link; app?: number }
  /**
   * SIGKILL an app process: in-flight operations become unknown, memory is gone. Without `app`:
   * the app serving the op that reached the fault point; injected by the workload, app 0.
   */
  | { kind: 'kill-app'; app?: number }
  /** SIGKILL redis-server; what survives depends on the scenario's persistence setting. */
  | { kind: 'kill-redis' }
  /** SIGKILL the primary of the failover set (needs redis-failover); Sentinel promotes the replica. Never started again. */
  | { kind: 'kill-redis-primary' }
  /**
   * Keep the op that reached the point waiting until `op` reaches `point` (or completes: 'done').
   * An op that completes without reaching `point` releases it too, and the result is unknown.
   */
  | { kind: 'hold-until'; op: string; point: FaultPoint | 'done' };

/** A fault window: when op `op` reaches `point`, inject these faults, then let it go on. */
export interface FaultRule {
  op: string;
  point: FaultPoint;
  inject: Fault[];
  /** When network faults are undone: when that op completes (default) or at the heal phase. */
  until?: 'op-done' | 'heal';
  /** Only for these strategies (a window that only they have); default: every strategy. */
  strategies?: string[];
}

/** What a workload can do. Operations are recorded in the history as they run. */
export interface WorkloadContext {
  /** Sends `op` to app process `app` (default 0) on behalf of `client`. */
  invoke(client: string, id: string, op: ClientOp, options?: { app?: number }): Promise<AppAnswer>;
  /** How many app processes serve this run (the scenario's `apps`, or more with --apps). */
  readonly apps: number;
  /**
   * Resolves when op `op` reaches `point` (a point some fault rule arms for that op): lets a
   * workload start a second op only once the first one sits in its window.
   */
  reached(op: string, point: FaultPoint): Promise<void>;
  /**
   * Injects a fault now, whatever the strategy does (a remedy that never passes a naive strategy's
   * fault point must still be faulted). Network faults last until heal() or the heal phase.
   */
  inject(fault: Exclude<Fault, { kind: 'hold-until' }>): Promise<void>;
  /** Undoes the network faults inject() added, then waits until the apps' links answer again. */
  heal(): Promise<void>;
  /** Starts a fresh process for app `app` (default 0; after a kill-app fault), with empty memory. */
  restartApp(app?: number): Promise<void>;
  /** Starts redis-server again after a kill-redis fault. */
  startRedis(): Promise<void>;
  /** Waits until every app's links (through the proxy) answer again. */
  settle(): Promise<void>;
  /**
   * Starts a closed-loop load in every app process (a load scenario: one per run). The runner keeps
   * its result on the strategy's result and judges it against the scenario's budget.
   */
  startLoad(spec: ScenarioLoad): LoadRun;
  /** Ends a cache key now, as its TTL would (the lab deletes it); true when it was there (an expiry, counted). */
  expire(key: string): Promise<boolean>;
}

export interface ScenarioSetup {
  /** Rows of the records table: key -> integer value. */
  records: Record<string, number>;
  /** Keys also put in the cache before the workload (a warm cache), with the strategy's TTL. */
  cached: string[];
  /**
   * Redis persistence: the local stack starts (and restarts) redis-server with it; default none.
   * An external Redis keeps its own, unless the scenario needs 'redis-persistence'.
   */
  redisPersistence?: RedisPersistence;
}

/**
 * What a strategy must do for the scenario's checkers to judge it: the data contract a user's
 * strategy module is written against (`cachelab list --verbose`, docs/strategy-modules.md).
 */
export interface ScenarioContract {
  /** The tables the checkers read, in the run's schema: their columns and what a strategy keeps there. */
  tables: { name: string; columns: string[]; rule: string }[];
  /** How the cache is compared with the database. */
  cache: string;
  /** Every operation the workload calls and what it must do; a module needs a method for each. */
  operations: Partial<Record<ClientOp['kind'], string>>;
  /** Where a strategy calls each fault point the scenario arms (the faults list says what is injected). */
  points: Partial<Record<FaultPoint, string>>;
  /** Faults the workload injects whatever the strategy does, at no fault point. */
  workloadFaults: string[];
}

export interface Expectation {
  expect: Verdict;
  /** Why, in a sentence: shown next to the verdict. */
  why: string;
}

/** Scenario suites left out of `run --all` and `matrix` unless `--include` names them. */
export const SUITES = ['load', 'distributed'] as const;
export type Suite = (typeof SUITES)[number];

/**
 * A scenario is a value: data plus a small workload. `cachelab list` prints it, the runner runs
 * it once per strategy, the tests check it.
 */
export interface Scenario {
  name: string;
  summary: string;
  /** What the scenario demonstrates, for people learning the failure mode. */
  explanation: string;
  setup: ScenarioSetup;
  /** The strategies it runs, in order, with the verdict each is expected to get. */
  strategies: Record<string, Expectation>;
  faults: FaultRule[];
  workload(ctx: WorkloadContext): Promise<void>;
  checkers: Checker[];
  /** How long a display-only cache entry may be stale if its TTL bounds it, ms. */
  stalenessBudgetMs: number;
  /** The business cost in the scenario's own terms, from the checks; empty when nothing was lost. */
  impact(checks: CheckResult[]): string[];
  /**
   * What went wrong for this strategy and what fixes it, or why nothing went wrong, chosen by what
   * the checkers found (the same strategy can hold or fail depending on driver settings). Not
   * called for an unknown verdict: the run's findings say why it was not judged.
   */
  explain(strategy: string, verdict: Verdict, checks: CheckResult[]): string;
  /**
   * Abilities the stack must have; without them the result is reported skipped, not passed.
   * kill-redis: kill and start redis-server. redis-persistence: a Redis with exactly the
   * persistence of setup.redisPersistence (an external server's own setting must match it).
   * read-replica: a PostgreSQL replica following the primary whose replication link goes through
   * the fault proxy (the local stack starts one); the app gets a pool on it.
   * redis-failover: a Redis primary, a replica and a Sentinel the lab starts and faults (local
   * stack); the app and the lab then reach Redis through Sentinel, not the stack's Redis.
   */
  needs?: ('kill-redis' | 'redis-persistence' | 'read-replica' | 'redis-failover')[];
  contract: ScenarioContract;
  /**
   * App processes the workload needs (default 1), each with its own links through the fault proxy.
   * `--apps N` runs more when N is larger, never fewer.
   */
  apps?: number;
  /**
   * A suite the scenario belongs to: left out of `run --all` and `matrix` unless `--include` names
   * it (slow, or needs more servers); naming the scenario or its group runs it anyway.
   */
  suite?: Suite;
  /**
   * A load scenario's budget for a strategy run on `apps` app processes: the load the workload ran
   * is judged against it (over budget: inconsistent, the findings say which limit broke).
   */
  budget?: (strategy: string, apps: number) => LoadBudget;
}

/** One-line descriptions of faults, for `cachelab list` and the timeline. */
export function describeFault(fault: Fault): string {
  const app = 'app' in fault && fault.app !== undefined ? ` of app ${fault.app}` : '';
  switch (fault.kind) {
    case 'toxic':
      return `${fault.toxic.type} on ${fault.link}${app} (${fault.toxic.stream})`;
    case 'link-down':
      return `${fault.link} link${app} down`;
    case 'kill-app':
      return fault.app === undefined ? 'SIGKILL app' : `SIGKILL app ${fault.app}`;
    case 'kill-redis':
      return 'SIGKILL redis-server';
    case 'kill-redis-primary':
      return 'SIGKILL the Redis primary';
    case 'hold-until':
      return `hold until ${fault.op} ${fault.point === 'done' ? 'completes' : `reaches ${fault.point}`}`;
  }
}
