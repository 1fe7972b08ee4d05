import type { Scenario } from '../src/runner/scenario.js';
import { concurrentUpdates } from './invalidation-race/concurrent-updates.js';
import { staleFill } from './invalidation-race/stale-fill.js';
import { inventoryOversell } from './inventory-oversell.js';
import { l1InvalidationLost } from './l1-invalidation-lost.js';
import { twoPhaseInDoubt } from './payment-double-spend/2pc-in-doubt.js';
import { sagaCrash } from './payment-double-spend/saga-crash.js';
import { paymentDoubleSpend } from './payment-double-spend.js';
import { redisFailover } from './redis-failover.js';
import { writeBehindCrash } from './write-behind-crash.js';
import { cacheOutage } from './load/cache-outage.js';
import { coldStart } from './load/cold-start.js';
import { hotKeyStampede } from './load/hot-key-stampede.js';
import { redisCrashAlways } from './write-behind-redis-crash/always.js';
import { redisCrashAofOff } from './write-behind-redis-crash/aof-off.js';
import { redisCrashEverysec } from './write-behind-redis-crash/everysec.js';
import { replicaLagStaleFill } from './replica-lag-stale-fill.js';

/**
 * Every scenario `cachelab list` shows, in the order the matrix runs them. A name "group/name"
 * belongs to a group: `cachelab run group` runs all of the group's scenarios.
 */
export const scenarios: Scenario[] = [
  paymentDoubleSpend,
  sagaCrash,
  twoPhaseInDoubt,
  inventoryOversell,
  concurrentUpdates,
  staleFill,
  writeBehindCrash,
  redisCrashAofOff,
  redisCrashEverysec,
  redisCrashAlways,
  l1InvalidationLost,
  replicaLagStaleFill,
  redisFailover,
  cacheOutage,
  coldStart,
  hotKeyStampede,
];
