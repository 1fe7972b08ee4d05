import { registerChecker } from '../src/checkers/register.js';
import type { Scenario, WorkloadContext } from '../src/runner/scenario.js';
import { REPLICA_LAG_BUDGET_MS } from '../src/strategies/replica-double-delete.js';
import { figure, impact, INITIAL_PRICE, PRICE, priceCache, priceTable, staleness } from './invalidation-race/common.js';

/** The replica's lag: latency on the replication link, primary -> replica, ms. */
export const REPLICA_LAG_MS = 800;
export const NEW_PRICE = 150;
/**
 * How long readers go on after the write was acknowledged, ms (past the lag, so they see whether
 * the replica's catching up heals the cache), and how often each reads.
 */
const READ_AFTER_MS = REPLICA_LAG_MS + 400;
const READ_EVERY_MS = 25;
const READERS = ['reader-a', 'reader-b'];

/**
 * Readers read the price through the cache every READ_EVERY_MS from before the write until
 * READ_AFTER_MS after it was acknowledged; op ids a1, a2, ..., b1, b2, ... The write starts once
 * each reader has read twice (the warm cache's 100).
 */
async function readAroundWrite(ctx: WorkloadContext): Promise<void> {
  let stopAt = Infinity;
  let readsBefore = 0;
  let warm: () => void = () => undefined;
  const warmed = new Promise<void>((resolve) => (warm = resolve));
  const readers = READERS.map(async (client) => {
    const prefix = client.slice(-1);
    for (let n = 1; ; n++) {
      await ctx.invoke(client, `${prefix}${n}`, { kind: 'read', key: PRICE });
      if (n === 2 && ++readsBefore === READERS.length) warm();
      const left = stopAt - performance.now();
      if (left <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(READ_EVERY_MS, left)));
    }
  });
  // A reader that stops early (its app died) must not keep the write waiting.
  await Promise.race([warmed, Promise.all(readers)]);
  try {
    await ctx.invoke('writer', 'w1', { kind: 'write', key: PRICE, value: NEW_PRICE });
  } finally {
    stopAt = performance.now() + READ_AFTER_MS;
  }
  await Promise.all(readers);
}

/**
 * A cache filled from a lagging read replica. The replica follows the primary by logical
 * replication through the fault proxy, with REPLICA_LAG_MS of latency: every commit reaches it that
 * much later. w1 sets the price to 150 on the primary and invalidates; the readers that miss next
 * fill from the replica, which still has 100.
 */
export const replicaLagStaleFill: Scenario = {
  name: 'replica-lag-stale-fill',
  summary: 'a write commits on the primary and invalidates; the next miss fills from a replica that has not applied it yet',
  explanation:
    `The price is ${INITIAL_PRICE} and cached. Reads that miss the cache fill it from a read replica, a second PostgreSQL ` +
    'that follows the primary by logical replication; its replication link runs through the fault proxy with ' +
    `${REPLICA_LAG_MS} ms of latency, so it applies each commit about ${REPLICA_LAG_MS} ms late. Two readers read the price ` +
    `every ${READ_EVERY_MS} ms. Writer w1 sets ${NEW_PRICE}, commits on the primary and invalidates the entry; the next ` +
    `reader misses and fills from the replica, which still holds ${INITIAL_PRICE}. Nothing invalidates that fill: the ` +
    `replica catches up, the cache does not. The readers go on for ${READ_AFTER_MS} ms after w1 is acknowledged.`,
  setup: { records: { [PRICE]: INITIAL_PRICE }, cached: [PRICE] },
  strategies: {
    'replica-fill': {
      expect: 'inconsistent',
      why: `the miss after w1's delete fills ${INITIAL_PRICE} from the lagging replica: stale until the 30 s TTL`,
    },
    'replica-lsn-check': {
      expect: 'consistent',
      why: "misses see w1's WAL position, which the replica has not applied, and fill from the primary",
    },
    'replica-double-delete': {
      expect: 'consistent',
      why: `the second delete, ${REPLICA_LAG_BUDGET_MS} ms after the first, removes the stale fill; the lag (${REPLICA_LAG_MS} ms) is within that budget`,
    },
    'replica-write-waits': {
      expect: 'consistent',
      why: 'w1 deletes and answers only once the replica has applied it: every later fill reads the new price',
    },
    'replica-apply-invalidation': {
      expect: 'inconsistent',
      why: `the stale fill lasts until the replica applies w1 and its trigger's notification deletes it: about the lag (${REPLICA_LAG_MS} ms), not the TTL, but reads in between see the old price`,
    },
  },
  faults: [],
  workload: async (ctx) => {
    await ctx.inject({ kind: 'toxic', link: 'pg-replication', toxic: { type: 'latency', stream: 'downstream', attributes: { latency: REPLICA_LAG_MS, jitter: 0 } } });
    await readAroundWrite(ctx);
    await ctx.heal();
  },
  contract: {
    tables: [priceTable],
    cache: priceCache,
    operations: {
      write: 'set the price to `value` on the primary (the database is the record)',
      read: 'the price, as customers see it; a miss may read the replica (deps.replica)',
    },
    points: {},
    workloadFaults: [`latency ${REPLICA_LAG_MS} ms on the replication link (primary to replica) for the whole workload: the replica applies each commit that late`],
  },
  checkers: [registerChecker],
  // Not used: the register checker calls any stale entry after the quiet period inconsistent.
  stalenessBudgetMs: 0,
  needs: ['read-replica'],
  suite: 'distributed',
  impact,
  explain(strategy, verdict, checks) {
    const stale = figure(checks, 'staleReads') > 0 || figure(checks, 'finalStale') > 0;
    if (!stale) {
      const why: Record<string, string> = {
        'replica-lsn-check': "w1 noted the primary's WAL position after its commit before it deleted the entry; the readers that missed compared it with the replica's applied position (remote_lsn), found the replica behind, and filled from the primary.",
        'replica-double-delete': `The readers that missed while the replica lagged filled ${INITIAL_PRICE}, and w1's second delete, ${REPLICA_LAG_BUDGET_MS} ms after the first, removed it; by then the replica had applied ${NEW_PRICE}. It holds while the lag stays under ${REPLICA_LAG_BUDGET_MS} ms, and no further.`,
        'replica-write-waits': `w1 waited until the replica had applied its commit (about ${REPLICA_LAG_MS} ms) before deleting the entry and answering, so every fill after the delete read ${NEW_PRICE}. Each write pays the lag.`,
        'replica-fill': 'No reader missed while the replica still lagged this time.',
      };
      return `${why[strategy] ?? 'No fill read the replica before it had applied the write.'} The cache was never stale.`;
    }
    const filled = `w1 committed ${NEW_PRICE} on the primary and deleted the entry; the next reader missed and filled from the replica, which was ${REPLICA_LAG_MS} ms behind and still held ${INITIAL_PRICE}`;
    const remedy = "Remedy: fill from the primary while the replica has not applied the last write's position (replica-lsn-check), or have writes wait for the replica (replica-write-waits).";
    if (strategy === 'replica-apply-invalidation') {
      return `${filled}. When the replica applied ${NEW_PRICE}, its trigger (ENABLE ALWAYS, so it fires for applied rows) notified ` +
        `the app, which deleted the entry: the old price was ${staleness(checks)} instead of a TTL, but every read in that ` +
        `window, after w1 was acknowledged, saw it. The lag bounds the damage; it does not prevent it. ${remedy}`;
    }
    if (strategy === 'replica-fill') {
      return `${filled}: the cache holds the old price, ${staleness(checks)}. The replica caught up, but nothing invalidated the fill it had fed. ${remedy}`;
    }
    return `The cache showed an older price than the primary (${verdict}), ${staleness(checks)}: see the findings. ${remedy}`;
  },
};
