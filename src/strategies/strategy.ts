import type { FaultPoint } from './fault-points.js';
import type { DbDriver } from '../drivers/postgres.js';
import type { RedisDriver } from '../drivers/redis.js';
import type { InvalidationBus } from '../drivers/redis-bus.js';
import type { Result } from '../drivers/result.js';
import type { Outcome } from '../history/history.js';

/** The operation being served: its id (also its idempotency key) and its fault points. */
export interface OpContext {
  id: string;
  point(name: FaultPoint): Promise<void> | undefined;
}

/** What the app answers the client. `fail` means it certainly did not happen, as everywhere. */
export interface OpResult {
  outcome: Outcome;
  value?: number | string | null;
  error?: string;
  /**
   * A read answered from the cache (true) or that had to go to the database (false), as the
   * strategy saw it; absent when the read does not say (or did not get that far). The load
   * generator's hit and miss figures come from it.
   */
  cacheHit?: boolean;
}

export interface StrategyDeps {
  cache: RedisDriver;
  db: DbDriver;
  /** TTL for entries the strategy fills or writes, ms; 0 = none. */
  cacheTtlMs: number;
  /**
   * Fault points of background work (a queue worker, an outbox relay), which serves no client op:
   * it reaches them under the id of its job, `jobId(order id)`, so a scenario can arm one job.
   */
  point(name: FaultPoint, jobId: string): Promise<void> | undefined;
  /**
   * Opens an invalidation bus between the run's app processes, on connections of its own through
   * the app's Redis link: 'pubsub' (fire and forget) or 'stream' (durable, read on from the last
   * entry after a reconnect). `onKey` is called with each key any app publishes. Built-ins only.
   */
  bus?(kind: 'pubsub' | 'stream', name: string, onKey: (key: string) => void): InvalidationBus;
}

/** The id background work on behalf of order `item` reaches its fault points under: "write:o7". */
export const jobId = (item: string): string => `write:${item}`;

/**
 * A caching pattern, served by the app process. Values are integers (yen, units, price).
 * Operations a pattern does not implement are answered `fail` by the app.
 */
export interface Strategy {
  read(key: string, op: OpContext): Promise<OpResult>;
  /** Take `amount` if the balance allows it; refused (fail) otherwise. */
  debit?(key: string, amount: number, op: OpContext): Promise<OpResult>;
  write?(key: string, value: number, op: OpContext): Promise<OpResult>;
  add?(key: string, item: string, op: OpContext): Promise<OpResult>;
  /** Sell one unit of the stock at `key` (order id = op.id); refused (fail) when sold out. */
  order?(key: string, op: OpContext): Promise<OpResult>;
  /**
   * false while background work (a queue, a relay) still holds acknowledged work it means to
   * apply. The lab waits for true before it judges, so the checkers see what the strategy does
   * once it has caught up, not a moment in between. Absent: no background work, always idle.
   */
  idle?(): boolean;
  /** Stops background work after the step in progress (a graceful shutdown); what is left stays queued where the strategy keeps it. */
  close?(): void;
}

export interface StrategyDefinition {
  name: string;
  summary: string;
  /**
   * authoritative: decisions (authorizing a payment, selling a unit) are taken from cached values,
   * so a stale entry costs money. display: the database decides; the cache only feeds reads, so a
   * stale entry is a wrong number on a screen, bounded by its TTL.
   */
  cacheRole: 'authoritative' | 'display';
  /** TTL the pattern puts on cache entries it fills or writes, ms; 0 = none. */
  cacheTtlMs: number;
  create(deps: StrategyDeps): Strategy;
}

/** Passes a driver's fail/unknown on as the op's answer, naming the step that broke. */
export function broke(step: string, result: Exclude<Result<unknown>, { outcome: 'ok' }>): OpResult {
  return { outcome: result.outcome, error: `${step}: ${result.error}` };
}

/** No unit left to sell: the order certainly did not happen. */
export const soldOut = (key: string): OpResult => ({ outcome: 'fail', error: `sold out: no ${key} left` });

export const declined = (balance: number, amount: number): OpResult => ({
  outcome: 'fail',
  error: `declined: balance ${balance} < ${amount}`,
});
