import type { StoreCounters } from '../drivers/counters.js';
import type { ClientOp, Outcome } from '../history/history.js';
import type { OpResult } from '../strategies/strategy.js';

/** What the app answers for one operation. */
export interface AppResult extends OpResult {
  /** The strategy threw instead of answering (a bug in it, not a fault): outcome unknown. */
  strategyThrew?: boolean;
  /** What the strategy did wrong while serving it (a module calling an unknown fault point): the run is unknown. */
  problems?: string[];
}

/** One strategy with its clients, as the app process serves it: a built-in or a user's module. */
export interface AppServer {
  serve(id: string, op: ClientOp): Promise<AppResult>;
  /**
   * Whether the strategy's own links (through the proxy) answer, and whether its background work
   * (a queue, a relay) has nothing left to apply. Never throws.
   */
  health(): Promise<{ redis: boolean; db: boolean; idle: boolean }>;
  /** What the strategy's clients have sent so far (a strategy module's: Redis commands only). */
  counters: StoreCounters;
  /** A bare GET on a connection of its own through the same link, opened on first use (the load baseline). */
  redisGet(key: string): Promise<{ outcome: Outcome }>;
  close(): Promise<void>;
}
