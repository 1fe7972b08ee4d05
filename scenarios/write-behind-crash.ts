import { setChecker } from '../src/checkers/set.js';
import type { Scenario } from '../src/runner/scenario.js';
import { CLAIM_IDLE_MS } from '../src/strategies/durable-write-behind.js';
import { BURST, CALM, calmThenBurstDuringCut, count, CUSTOMER, durability, figure, LAST, orderImpact, ordersContract } from './customer-orders.js';

/**
 * Alice places five orders while all is well; then the PostgreSQL link is cut and she places a
 * burst of 37. Once the burst is answered the app process is SIGKILLed, whatever the strategy
 * (one without a queue is killed too), and started again with empty memory; the link comes back,
 * and once the strategy's background work is done the set checker judges the real stores.
 */
export const writeBehindCrash: Scenario = {
  name: 'write-behind-crash',
  summary: 'orders acknowledged from the cache while the database is cut off; the app is SIGKILLed with its queue full',
  explanation:
    `Alice's orders go into her cached order set (${CUSTOMER}) and must end up as rows in the database. Orders ` +
    `o1-o${CALM} are placed while all is well and written. Then the PostgreSQL link is cut and a burst of ${BURST} orders ` +
    `(o${CALM + 1}-o${LAST}) is placed at once. As soon as every one is answered, the app process is SIGKILLed (a real ` +
    'crash: whatever it kept in memory is gone) and started again, and the link comes back. Every order the customer was ' +
    'told was accepted must then be in the database, once.',
  setup: { records: {}, cached: [], redisPersistence: 'none' },
  strategies: {
    'write-behind': {
      expect: 'inconsistent',
      why: "the burst was acknowledged from the cache and queued in the app's memory; the crash took the queue, and the orders with it",
    },
    'durable-write-behind': {
      expect: 'consistent',
      why: 'the queue is a Redis Stream: the entries the killed worker held stay pending, and the restarted worker claims and writes them once',
    },
    outbox: {
      expect: 'consistent',
      why: 'an order is acknowledged only once it is committed in PostgreSQL: the burst is refused during the cut, and nothing acknowledged can be lost',
    },
  },
  faults: [],
  contract: ordersContract([
    'the PostgreSQL link is cut before the burst, and comes back after the app restarts',
    'the app process is SIGKILLed once the burst is answered, and started again with empty memory',
  ]),
  async workload(ctx) {
    await calmThenBurstDuringCut(ctx);
    await ctx.inject({ kind: 'kill-app' });
    await ctx.restartApp();
    await ctx.heal();
  },
  checkers: [setChecker],
  stalenessBudgetMs: 60_000,
  impact: orderImpact,
  explain(strategy, verdict, checks) {
    const lost = figure(checks, 'lost');
    const acknowledged = figure(checks, 'acknowledged');
    const inDatabase = figure(checks, 'inDatabase');
    const refused = figure(checks, 'failed');
    const durable = durability(checks);
    switch (strategy) {
      case 'write-behind':
        if (lost > 0) {
          return `While PostgreSQL was cut off, the burst was acknowledged from the cache and queued in the app's memory; the ` +
            'worker kept retrying the oldest order. The SIGKILL took the queue, and the restarted app started with an empty ' +
            `one: ${count(lost, 'confirmed order')} lost, and ${figure(checks, 'cacheOnly')} of them still show in Alice's ` +
            'cached order set, which the business has no record of, until its TTL drops them. Remedy: a queue that survives ' +
            'the app (durable-write-behind), or the database first (outbox).';
        }
        return 'Every queued order reached the database before the crash, so nothing was lost this time. Write-behind holds ' +
          "only while its queue drains faster than the app dies: what sits in the app's memory dies with it.";
      case 'durable-write-behind':
        return verdict === 'consistent'
          ? `The burst sat in the Redis Stream, and the entries the killed worker had read stayed pending in the consumer ` +
            `group. The restarted app's worker claimed them (idle over ${CLAIM_IDLE_MS} ms) and, once the database was back, ` +
            `wrote every one exactly once (an idempotency key in the same transaction): ${inDatabase} of ${acknowledged} ` +
            `acknowledged orders are in the database${durable === '' ? '' : `, ${durable}`}. What it still depends on: Redis ` +
            'keeping the stream through a crash of its own (write-behind-redis-crash).'
          : 'The durable queue did not deliver every acknowledged order exactly once: see the findings.';
      case 'outbox':
        return verdict === 'consistent'
          ? 'Each order was committed to PostgreSQL with its outbox row before it was acknowledged, so the crash could take ' +
            `nothing acknowledged: the ${count(refused, 'order')} placed while the database was cut off were refused, ` +
            'truthfully; that is the price, no orders while the database is down. The relay is a loop inside the app ' +
            'process: it died with it, started again with it, and applies every outbox row not yet marked done.'
          : 'An order committed with its outbox row is missing: see the findings.';
      default:
        return '';
    }
  },
};
