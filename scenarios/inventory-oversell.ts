import { figureOf } from '../src/checkers/checker.js';
import { counterChecker } from '../src/checkers/counter.js';
import { stalenessChecker } from '../src/checkers/staleness.js';
import type { Scenario, WorkloadContext } from '../src/runner/scenario.js';

const item = 'stock:widget';
const INITIAL_STOCK = 10;
const figure = figureOf;
/** "1 unit", "4 units". */
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Customers o<from>..o<to> each order one unit, `together` at a time. */
async function orders(ctx: WorkloadContext, from: number, to: number, together: number): Promise<void> {
  for (let first = from; first <= to; first += together) {
    const batch = [];
    for (let n = first; n < first + together && n <= to; n++) batch.push(ctx.invoke(`customer-${n}`, `o${n}`, { kind: 'order', key: item }));
    await Promise.all(batch);
  }
}

/**
 * Ten widgets in stock, cached. Sixteen customers order one each: four while all is well, four
 * while the PostgreSQL link is cut, and eight after redis-server was SIGKILLed and started again
 * empty. Whoever trusts the cache's counter acknowledges the four orders the database never
 * recorded, reloads the stock from the database after the restart, and sells those units again.
 */
export const inventoryOversell: Scenario = {
  name: 'inventory-oversell',
  summary: 'the cache sells while the database is cut off; after a cache restart the stock reloads and sells again',
  explanation:
    `${INITIAL_STOCK} widgets are in stock, and the stock is cached. Customers o1-o4 order one each, together. Then the ` +
    'PostgreSQL link is cut and o5-o8 order (two at a time): a strategy that trusts the Redis counter accepts them, and ' +
    'their database updates fail. The link comes back, redis-server is SIGKILLed and started again without persistence, ' +
    'so the counter reloads from the database, which never heard of o5-o8. Customers o9-o16 order (two at a time), then ' +
    'the shop page shows the stock (r1). Units sold beyond the ten that existed are oversold.',
  setup: { records: { [item]: INITIAL_STOCK }, cached: [item], redisPersistence: 'none' },
  strategies: {
    'cache-first': {
      expect: 'inconsistent',
      why: 'Redis decides and failed database updates are only logged: after the restart the reloaded stock sells the same units again',
    },
    'db-conditional': {
      expect: 'consistent',
      why: 'the database decides with a conditional decrement in the same transaction as the order row; orders during the cut are refused',
    },
    'redis-reservation': {
      expect: 'consistent',
      why: 'a reservation whose database write failed is released and the lost counter is rebuilt from the database; these faults fall between orders, outside its in-doubt window',
    },
    'event-sourcing': {
      expect: 'consistent',
      why: 'each sale is decided on the order log under a lock; the cache is only a projection, rebuilt after the restart',
    },
  },
  faults: [],
  needs: ['kill-redis'],
  async workload(ctx) {
    await orders(ctx, 1, 4, 4);
    // The cut comes from the workload, so every strategy meets it, whatever fault points it has.
    await ctx.inject({ kind: 'link-down', link: 'postgres' });
    await orders(ctx, 5, 8, 2);
    await ctx.heal();
    // The cache restart of the design: no persistence, so the counter dies with the process.
    await ctx.inject({ kind: 'kill-redis' });
    await ctx.startRedis();
    await ctx.settle();
    await orders(ctx, 9, 16, 2);
    await ctx.invoke('shop-page', 'r1', { kind: 'read', key: item });
  },
  contract: {
    tables: [
      {
        name: 'records',
        columns: ['key', 'value'],
        rule: `the units in stock: one row, key ${item}, ${INITIAL_STOCK} at the start. The counter checker: the final value = ${INITIAL_STOCK} - the orders rows, never below 0`,
      },
      {
        name: 'orders',
        columns: ['op_id', 'item'],
        rule:
          `each unit sold inserts one row (op_id = op.id, item = ${item}) in the same transaction as the decrement. An ok order must ` +
          `have its row, a failed one must not, an unknown one may; no op_id twice; ok orders never more than the ${INITIAL_STOCK} in stock`,
      },
    ],
    cache:
      `${item} in the cache holds the stock as a decimal string; after the run it must equal records.value, or carry a TTL of at ` +
      'most 60 s (stale without a TTL is inconsistent). Keep any other key under _meta: (never compared)',
    operations: {
      order: "sell one unit (the order id is op.id) and answer the stock left; refuse with { outcome: 'fail', error } when none is left",
      read: 'the stock, as the shop page shows it',
    },
    points: {},
    workloadFaults: [
      'the PostgreSQL link is down while o5-o8 order',
      'redis-server is SIGKILLed and started again empty (no persistence) before o9-o16 order',
    ],
  },
  checkers: [counterChecker, stalenessChecker],
  stalenessBudgetMs: 60_000,
  impact(checks) {
    const lines: string[] = [];
    const oversold = figure(checks, 'counter', 'oversold');
    const lost = figure(checks, 'counter', 'lost');
    if (oversold > 0) {
      lines.push(
        `${count(oversold, 'unit')} sold that do not exist: ${count(figure(checks, 'counter', 'accepted'), 'order')} accepted ` +
          `for ${figure(checks, 'counter', 'initial')} in stock`,
      );
    }
    if (lost > 0) lines.push(`${count(lost, 'customer')} will not get their order: acknowledged, never recorded in the database`);
    if (figure(checks, 'cache-vs-db', 'maxStaleMs') === -1) {
      lines.push('the stock the shop sells from disagrees with the database until the next write (no TTL)');
    }
    return lines;
  },
  explain(strategy, verdict, checks) {
    const oversold = figure(checks, 'counter', 'oversold');
    const lost = figure(checks, 'counter', 'lost');
    const accepted = figure(checks, 'counter', 'accepted');
    const initial = figure(checks, 'counter', 'initial');
    const staleKeys = figure(checks, 'cache-vs-db', 'staleKeys');
    const sold = `${accepted} of the ${initial} units were sold`;
    switch (strategy) {
      case 'cache-first':
        if (oversold > 0) {
          return `While PostgreSQL was cut off the Redis counter kept selling, and the ${count(lost, 'database update')} that ` +
            'failed were logged, not undone. Redis then restarted empty, the counter was reloaded from the database, which ' +
            `still counted those units, and they were sold again: ${count(accepted, 'order')} accepted for ${initial} units. ` +
            'Remedy: let the database decide (db-conditional), or reserve in Redis, record in the database and release ' +
            'the reservation when the database write fails (redis-reservation).';
        }
        if (lost > 0) {
          return `The ${count(lost, 'database update')} that failed during the cut were only logged: those orders were ` +
            'acknowledged and never recorded. The counter survived the restart (the server keeps Redis persistence), so no ' +
            'unit was sold twice this time; without persistence the reload sells them again.';
        }
        return 'Every database update behind the cache landed, so the cache and the database agree. Cache-first holds only ' +
          'while every one does: a failed one is logged, not undone, and a cache restart then sells its units again.';
      case 'db-conditional':
        return verdict === 'consistent'
          ? 'The database decided every sale with a conditional decrement, in one transaction with the order row: the ' +
            `orders placed while PostgreSQL was cut off were refused, truthfully, and ${sold}. The Redis restart lost only ` +
            (staleKeys > 0 ? 'a display value; the stale one left is bounded by its TTL.' : 'a display value, which the next read refilled.')
          : 'The remedy did not hold: see the findings.';
      case 'redis-reservation':
        if (verdict === 'consistent') {
          return 'The reservations whose database write failed during the cut were released, and the counter that died with ' +
            `Redis was rebuilt from the database, so both stores agree and ${sold}. The window that remains: a database write ` +
            'whose outcome is unknown (the COMMIT cut) or an app killed between reserve and commit keeps its reservation, so ' +
            'the counter ends below the database and refuses units that exist until it is rebuilt; the conditional decrement ' +
            'in the database stops a counter that ends above it from overselling. The faults here fall between orders, so ' +
            'that window was not hit.';
        }
        return oversold > 0 || lost > 0
          ? 'The database did not have the last word on every sale: see the findings.'
          : 'The counter in Redis drifted from the database stock: orders are refused or admitted by a wrong count until it is rebuilt.';
      case 'event-sourcing':
        return verdict === 'consistent'
          ? `Every sale was decided on the order log under a per-item lock, and ${sold}: the orders placed while ` +
            'PostgreSQL was cut off could not be appended and were refused. The cache is only a projection with the number ' +
            'of the last event it holds: the restart emptied it, and the next operation let the projector rebuild it; ' +
            'how long it lagged behind the log is kept as bookkeeping (_meta:es-lag-ms).'
          : 'The log and its projections disagree: see the findings.';
      default:
        if (verdict === 'consistent') return `${sold}: every acknowledged order has its row, and no unit was sold twice.`;
        return [
          oversold > 0 ? `${count(oversold, 'unit')} sold that do not exist (${count(accepted, 'order')} accepted for ${initial}).` : '',
          lost > 0 ? `${count(lost, 'acknowledged order')} never recorded in the database.` : '',
          figure(checks, 'cache-vs-db', 'maxStaleMs') === -1 ? 'The cached stock disagrees with the database, with no TTL to end it.' : '',
          'See the findings. Remedy: let the database decide with a conditional decrement in the same transaction as the order row (db-conditional).',
        ].filter(Boolean).join(' ');
    }
  },
};
