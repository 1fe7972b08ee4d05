import { cacheAside } from './cache-aside.js';
import { cacheFirst } from './cache-first.js';
import { circuitBreaker } from './circuit-breaker.js';
import { dbConditional } from './db-conditional.js';
import { delayedDoubleDelete } from './delayed-double-delete.js';
import { deleteOnWrite } from './delete-on-write.js';
import { eventSourcing } from './event-sourcing.js';
import { durableWriteBehind } from './durable-write-behind.js';
import { leases } from './leases.js';
import { leasesWait } from './leases-wait.js';
import { outbox } from './outbox.js';
import { redisReservation } from './redis-reservation.js';
import { replicaApplyInvalidation } from './replica-apply-invalidation.js';
import { replicaDoubleDelete } from './replica-double-delete.js';
import { replicaLsnCheck } from './replica-lsn-check.js';
import { replicaFill } from './replica-reads.js';
import { replicaWriteWaits } from './replica-write-waits.js';
import { saga } from './saga.js';
import { singleFlight } from './single-flight.js';
import type { StrategyDefinition } from './strategy.js';
import { twoPhaseCommit } from './two-phase-commit.js';
import { durableBus, l1ShortTtl, naiveBus, versionedL1 } from './two-tier.js';
import { versioned } from './versioned.js';
import { warming } from './warming.js';
import { waitReplica } from './wait-replica.js';
import { writeBehind } from './write-behind.js';
import { writeThrough } from './write-through.js';

/** Every strategy the app process can serve, by name. */
export const strategies: Record<string, StrategyDefinition> = Object.fromEntries(
  [
    cacheAside,
    writeThrough,
    twoPhaseCommit,
    saga,
    deleteOnWrite,
    cacheFirst,
    dbConditional,
    redisReservation,
    versioned,
    leases,
    delayedDoubleDelete,
    eventSourcing,
    writeBehind,
    durableWriteBehind,
    outbox,
    circuitBreaker,
    warming,
    singleFlight,
    leasesWait,
    naiveBus,
    l1ShortTtl,
    durableBus,
    versionedL1,
    replicaFill,
    replicaLsnCheck,
    replicaDoubleDelete,
    replicaWriteWaits,
    replicaApplyInvalidation,
    waitReplica,
  ].map((s) => [s.name, s]),
);
