import { figureOf } from '../src/checkers/checker.js';
import { counterChecker } from '../src/checkers/counter.js';
import { stalenessChecker } from '../src/checkers/staleness.js';
import type { Checker, CheckResult } from '../src/checkers/checker.js';
import type { Scenario, WorkloadContext } from '../src/runner/scenario.js';
import { WAIT_REPLICA_MS } from '../src/strategies/wait-replica.js';

const item = 'stock:widget';
const INITIAL_STOCK = 10;
const figure = figureOf;
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Customers o<from>..o<to> order one unit each, one after the other. */
async function orders(ctx: WorkloadContext, from: number, to: number): Promise<void> {
  for (let n = from; n <= to; n++) await ctx.invoke(`customer-${n}`, `o${n}`, { kind: 'order', key: item });
}

/** How many orders the app acknowledged. */
const acked = (checks: CheckResult[]): number => figure(checks, 'counter', 'accepted');

/** The ops before the primary's kill: o1-o6. */
const BEFORE_KILL = 6;

/**
 * What the failover lost, from the history: the stock read on the promoted replica (f1, before
 * any later order) against the initial stock less the orders acknowledged before the kill. A
 * counter that shows more is missing writes the old primary had acknowledged (sales, reservations).
 * It reports; the counter and cache checkers judge. Figures: acknowledgedBeforeKill, lostWrites,
 * switchMs (from o6's answer, right before the kill, to f1's: Sentinel's detection and promotion
 * and the app's reconnect).
 */
const failoverLoss: Checker = {
  name: 'failover',
  check({ history }): CheckResult {
    const before = history.filter((o) => o.op.kind === 'order' && Number(o.id.slice(1)) <= BEFORE_KILL);
    const ok = before.filter((o) => o.outcome === 'ok').length;
    const read = history.find((o) => o.id === 'f1');
    const last = before.at(-1);
    if (read?.outcome !== 'ok' || typeof read.value !== 'number' || last === undefined) {
      return { checker: 'failover', verdict: 'unknown', findings: ['the stock was not read on the promoted replica (f1)'], figures: {} };
    }
    const lost = Math.max(0, read.value - (INITIAL_STOCK - ok));
    const switchMs = Math.round(read.completedAt - last.completedAt);
    return {
      checker: 'failover',
      verdict: 'consistent',
      findings: [
        `${count(ok, 'order')} acknowledged before the kill; the promoted replica showed ${read.value} in stock` +
          (lost > 0 ? `: it lacks ${count(lost, 'write')} the old primary had acknowledged` : ': it has every acknowledged write'),
        `${switchMs} ms from the last answer of the old primary to the first of the promoted replica`,
      ],
      figures: { acknowledgedBeforeKill: ok, lostWrites: lost, switchMs },
    };
  },
};

/**
 * Ten widgets, the stock cached in a Redis primary that has one replica and a Sentinel. o1-o3 order
 * while all is well; the replication link is cut; o4-o6 order (the primary acknowledges, the
 * replica never hears); the primary is SIGKILLed; Sentinel promotes the replica, which never had
 * o4-o6's writes; the shop page reads the stock there (f1), o7-o12 order on it, and it reads again (r1).
 */
export const redisFailover: Scenario = {
  name: 'redis-failover',
  summary: 'the replication link is cut, the primary acknowledges sales, is killed, and Sentinel promotes the replica without them',
  explanation:
    `${INITIAL_STOCK} widgets are in stock; the stock is cached in a Redis primary with one replica and a Sentinel ` +
    '(down-after 1 s), as teams run Redis for failover. Customers o1-o3 order. Then the replication link is cut and o4-o6 ' +
    'order: the primary acknowledges their writes, which replication (asynchronous) never delivers. The primary is ' +
    'SIGKILLed and not started again; Sentinel promotes the replica, the app follows Sentinel to it, and o7-o12 order ' +
    'there; the shop page shows the stock on the promoted replica (f1) and at the end (r1). Whatever the old primary alone held is gone: sales, invalidations, reservations.',
  setup: { records: { [item]: INITIAL_STOCK }, cached: [item] },
  needs: ['redis-failover'],
  suite: 'distributed',
  strategies: {
    'cache-first': {
      expect: 'inconsistent',
      why: 'the counter on the promoted replica never saw o4-o6: those units are sold again, beyond the stock',
    },
    'redis-reservation': {
      expect: 'inconsistent',
      why: 'the database refuses what does not exist, so nothing is oversold, but the lost reservations leave the counter showing units that are gone',
    },
    'wait-replica': {
      expect: 'consistent',
      why: `no sale is acknowledged before WAIT 1 says the replica has it (${WAIT_REPLICA_MS} ms): o4-o6 are refused, nothing acknowledged is lost`,
    },
    'db-conditional': {
      expect: 'consistent',
      why: 'the database decides; the lost cache deletes leave the display stale until the next sale deletes it (TTL-bounded)',
    },
  },
  faults: [],
  async workload(ctx) {
    await orders(ctx, 1, 3);
    await ctx.inject({ kind: 'link-down', link: 'redis-replication' });
    await orders(ctx, 4, 6);
    await ctx.inject({ kind: 'kill-redis-primary' });
    await ctx.settle(); // Sentinel has promoted the replica and the app reaches it
    await ctx.invoke('shop-page', 'f1', { kind: 'read', key: item });
    await orders(ctx, 7, 12);
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
        rule: `each unit sold inserts one row (op_id = op.id, item = ${item}). An ok order must have its row, a failed one must not; ok orders never more than the ${INITIAL_STOCK} in stock`,
      },
    ],
    cache:
      `${item} in Redis (reached through Sentinel: the primary, then the promoted replica) holds the stock as a decimal string; after ` +
      'the run it must equal records.value, or carry a TTL of at most 60 s. Keep any other key under _meta: (never compared)',
    operations: {
      order: "sell one unit (the order id is op.id) and answer the stock left; refuse with { outcome: 'fail', error } when it cannot",
      read: 'the stock, as the shop page shows it',
    },
    points: {},
    workloadFaults: ['the replication link is cut before o4-o6 order', 'the primary is SIGKILLed after o6 and never started again; Sentinel promotes the replica'],
  },
  checkers: [counterChecker, stalenessChecker, failoverLoss],
  stalenessBudgetMs: 60_000,
  impact(checks) {
    const lines: string[] = [];
    const lostWrites = figure(checks, 'failover', 'lostWrites');
    if (lostWrites > 0) lines.push(`the failover lost ${count(lostWrites, 'write')} the old primary had acknowledged (the promoted replica never received them)`);
    const oversold = figure(checks, 'counter', 'oversold');
    if (oversold > 0) lines.push(`${count(oversold, 'unit')} sold that do not exist: ${count(acked(checks), 'order')} accepted for ${INITIAL_STOCK} in stock`);
    const lost = figure(checks, 'counter', 'lost');
    if (lost > 0) lines.push(`${count(lost, 'customer')} will not get their order: acknowledged, never recorded`);
    if (figure(checks, 'cache-vs-db', 'maxStaleMs') === -1) lines.push('the stock the shop shows disagrees with the database until the next sale (no TTL): the failover lost its writes');
    return lines;
  },
  explain(strategy, verdict, checks) {
    const oversold = figure(checks, 'counter', 'oversold');
    const stale = figure(checks, 'cache-vs-db', 'staleKeys') > 0;
    const failover = 'The primary acknowledged o4-o6 while the replication link was cut; the replica Sentinel promoted never received them.';
    switch (strategy) {
      case 'cache-first':
        return oversold > 0
          ? `${failover} Its counter still counted those units as in stock, so they were sold again: ${count(acked(checks), 'order')} ` +
              `accepted for ${INITIAL_STOCK} units. Remedy: acknowledge a sale only once a replica has it (WAIT 1), or let the database decide.`
          : `${failover} No unit was sold twice here: see the findings.`;
      case 'redis-reservation':
        return `${failover} The lost reservations came back as stock on the promoted replica; the database refused the orders beyond ` +
          `the stock${stale ? ', but the counter still shows units that are gone, with no TTL to end it' : ''}. Remedy for the counter: rebuild it ` +
          'from the database after a failover, or WAIT 1 before acknowledging.';
      case 'wait-replica':
        return verdict === 'consistent'
          ? `Each sale waited for the replica (WAIT 1, ${WAIT_REPLICA_MS} ms): with the link cut none acknowledged o4-o6, so they were put ` +
              'back and refused; after the failover the new primary has no replica, so every order was refused. Nothing acknowledged ' +
              'was lost; the cost is availability (orders refused while no replica confirms) and a round trip per sale.'
          : 'A sale acknowledged by the replica was lost, or the counter drifted: see the findings.';
      case 'db-conditional':
        return 'The database decided every sale; the cache deletes o4-o6 sent to the old primary were lost with it, and the next ' +
          `sale on the promoted replica deleted the stale entry again${stale ? '; it is still stale, within its TTL' : ''}.`;
      default:
        return 'See the findings.';
    }
  },
};
