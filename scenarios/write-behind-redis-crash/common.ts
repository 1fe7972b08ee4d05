import { setChecker } from '../../src/checkers/set.js';
import type { Scenario } from '../../src/runner/scenario.js';
import { describePersistence, type RedisPersistence } from '../../src/stack/contract.js';
import { BURST, CALM, calmThenBurstDuringCut, count, durability, figure, LAST, orderImpact, ordersContract } from '../customer-orders.js';

/** What a SIGKILL of redis-server (the process, not the machine) leaves of what Redis acknowledged, per setting. */
const keeps: Record<'none' | 'everysec' | 'always', string> = {
  none: 'With AOF off nothing Redis held survives its restart.',
  everysec:
    'With appendfsync everysec Redis writes each command to the AOF file before it replies, and fsyncs the file once a ' +
    'second. The lab kills the redis-server process, not the machine: what was written sits in the OS page cache, which ' +
    'a dead process does not take with it, so everything acknowledged survives. A machine crash or power loss would lose ' +
    'what was not yet fsynced: up to about a second of acknowledged orders.',
  always:
    'With appendfsync always Redis fsyncs each write to the AOF before it replies: what was acknowledged survives the ' +
    "process kill the lab does, and a machine crash as well; the price is a disk sync per write.",
};

/**
 * write-behind-redis-crash/<slug>: the burst of write-behind-crash, but it is redis-server that is
 * SIGKILLed while acknowledged orders exist only in Redis, and started again with the same
 * directory and flags, so what survives is what `persistence` keeps. One scenario per setting.
 */
export function redisCrash(slug: string, persistence: keyof typeof keeps & RedisPersistence): Scenario {
  const setting = describePersistence(persistence);
  const durableKeeps = persistence !== 'none';
  return {
    name: `write-behind-redis-crash/${slug}`,
    summary: `redis-server SIGKILLed while acknowledged orders exist only in Redis, ${setting}`,
    explanation:
      `Orders o1-o${CALM} are placed and written while all is well. Then the PostgreSQL link is cut and a burst of ${BURST} ` +
      `orders (o${CALM + 1}-o${LAST}) is placed. Once every one is answered, redis-server is SIGKILLed and started again ` +
      `with the same directory and flags (${setting}); then the database link comes back. ${keeps[persistence]}`,
    setup: { records: {}, cached: [], redisPersistence: persistence },
    strategies: {
      'write-behind': {
        expect: 'consistent',
        why: "its queue is in the app's memory, which the Redis crash does not touch; only the cached set is at stake",
      },
      'durable-write-behind': durableKeeps
        ? { expect: 'consistent', why: `the stream and its pending entries are in the AOF (${setting}); the worker writes them after the restart` }
        : { expect: 'inconsistent', why: 'the acknowledged orders exist only in the Redis Stream, and with AOF off the restart starts empty' },
      outbox: {
        expect: 'consistent',
        why: 'an order is acknowledged only once it is committed in PostgreSQL: nothing acknowledged exists only in Redis',
      },
    },
    faults: [],
    contract: ordersContract([
      'the PostgreSQL link is cut before the burst, and comes back after Redis restarts',
      `redis-server is SIGKILLed once the burst is answered, and started again with the same directory and flags (${setting})`,
    ]),
    needs: ['kill-redis', 'redis-persistence'],
    async workload(ctx) {
      await calmThenBurstDuringCut(ctx);
      await ctx.inject({ kind: 'kill-redis' });
      await ctx.startRedis();
      await ctx.heal();
    },
    checkers: [setChecker],
    stalenessBudgetMs: 60_000,
    impact: orderImpact,
    explain(strategy, verdict, checks) {
      const lost = figure(checks, 'lost');
      const inDatabase = figure(checks, 'inDatabase');
      const durable = durability(checks);
      const cachedSet = durableKeeps
        ? 'The cached order set came back from the AOF.'
        : "The cached order set died with Redis: Alice's page shows none of her orders until the next one, although the database has them.";
      switch (strategy) {
        case 'durable-write-behind':
          if (lost > 0) {
            return `The ${BURST} orders acknowledged during the cut existed only in Redis, as entries of the stream (and in ` +
              `the cached set). ${keeps[persistence]} The stream, its consumer group and the pending entries went with it: ` +
              `${count(lost, 'confirmed order')} lost. Remedy: AOF on the Redis that holds the queue (appendfsync everysec ` +
              'keeps them through a process crash, always through a machine crash too), or the database first (outbox).';
          }
          return verdict === 'consistent'
            ? `${keeps[persistence]} The restarted server replayed the stream, its consumer group and the pending entries, and ` +
              `the worker wrote all ${inDatabase} acknowledged orders once the database was back${durable === '' ? '' : ` (${durable})`}.`
            : 'The durable queue did not deliver every acknowledged order exactly once: see the findings.';
        case 'write-behind':
          return verdict === 'consistent'
            ? "The queue lives in the app's memory, which the Redis crash did not touch: once the database was back the " +
              `worker wrote all ${inDatabase} acknowledged orders. ${cachedSet} Write-behind's weak spot is a crash of the ` +
              "app itself (write-behind-crash), not of Redis."
            : 'Acknowledged orders are missing from the database: see the findings.';
        case 'outbox':
          return verdict === 'consistent'
            ? 'Orders are committed to PostgreSQL before they are acknowledged, so no acknowledged order ever existed only in ' +
              `Redis; the ${count(figure(checks, 'failed'), 'order')} placed during the cut were refused. ${cachedSet}`
            : 'An order committed with its outbox row is missing: see the findings.';
        default:
          return '';
      }
    },
  };
}
