import type { CheckResult } from '../src/checkers/checker.js';
import { registerChecker } from '../src/checkers/register.js';
import type { Scenario, WorkloadContext } from '../src/runner/scenario.js';
import { L1_TTL_MS } from '../src/strategies/two-tier.js';
import { figure, INITIAL_PRICE, PRICE, priceTable } from './invalidation-race/common.js';

/** The price app 0 writes while app 1's Redis link is cut. */
const NEW_PRICE = 150;
/** How long app 1 is watched after the heal, ms (twice the short L1 TTL), and how often it reads. */
export const OBSERVE_MS = 2 * L1_TTL_MS;
const READ_EVERY_MS = 100;

/**
 * Two app processes, each with an in-process cache (L1) in front of Redis. Both read the price
 * (100): each L1 holds it. App 1's Redis link is cut; app 0 writes 150, deletes the Redis entry and
 * publishes the invalidation; app 1 reads during the cut, then again after the heal, every 100 ms
 * until it shows 150 or OBSERVE_MS has passed.
 */
export const l1InvalidationLost: Scenario = {
  name: 'l1-invalidation-lost',
  summary: "two apps with in-process caches; app 1's Redis link is cut while app 0 writes: the invalidation is lost",
  explanation:
    `Two application servers each keep an in-process LRU (L1) in front of Redis, as two-tier caches do. Both read the price ` +
    `(${INITIAL_PRICE}); each L1 keeps it. Then app 1's link to Redis is cut, and app 0 sets the price to ${NEW_PRICE}: it ` +
    'commits, deletes the Redis entry and publishes an invalidation. App 1 reads during the cut, then again after the link ' +
    `is back, every ${READ_EVERY_MS} ms for up to ${OBSERVE_MS / 1000} s. A pub/sub message published while a subscriber is ` +
    'disconnected is never delivered to it, so its in-process copy stays.',
  setup: { records: { [PRICE]: INITIAL_PRICE }, cached: [] },
  apps: 2,
  suite: 'distributed',
  strategies: {
    'naive-bus': { expect: 'inconsistent', why: 'app 1 never hears the invalidation: its L1 keeps the old price with no end' },
    'l1-short-ttl': {
      expect: 'inconsistent',
      why: `the invalidation is still lost; the ${L1_TTL_MS} ms L1 TTL only ends the stale window, it does not prevent it`,
    },
    'durable-bus': {
      expect: 'consistent',
      why: 'L1 serves only while the stream reader is up: during the cut app 1 reads through; after it, it reads on from its last id',
    },
    'versioned-l1': { expect: 'consistent', why: "each L1 hit is checked against the row's version in Redis; unreachable: the database answers" },
  },
  faults: [],
  async workload(ctx) {
    await ctx.settle(); // both buses listening
    await ctx.invoke('customer-a', 'r0', { kind: 'read', key: PRICE }, { app: 0 });
    await ctx.invoke('customer-b', 'r1', { kind: 'read', key: PRICE }, { app: 1 });
    await ctx.inject({ kind: 'link-down', link: 'redis', app: 1 });
    await ctx.invoke('editor', 'w1', { kind: 'write', key: PRICE, value: NEW_PRICE }, { app: 0 });
    await ctx.invoke('customer-b', 'c1', { kind: 'read', key: PRICE }, { app: 1 });
    await ctx.heal(); // the link is back and app 1's bus has re-subscribed or caught up
    await watchApp1(ctx);
    await ctx.invoke('customer-a', 'a1', { kind: 'read', key: PRICE }, { app: 0 });
  },
  contract: {
    tables: [priceTable],
    cache:
      `${PRICE} in Redis (shared) holds the price as a decimal string; each app may keep copies in memory. A read through any app ` +
      'that starts after a write was acknowledged must return that price or a later one; after the readers stop Redis must equal ' +
      'records.value or miss the key. Keep any other key under _meta: (never compared)',
    operations: { write: 'set the price to `value` (the database is the record), and invalidate every app\'s copy', read: 'the price, as customers of this app see it' },
    points: {},
    workloadFaults: ["redis link of app 1 down from before app 0's write until after app 1's read during the cut"],
  },
  checkers: [registerChecker],
  // Not used: the register checker judges the reads through each app.
  stalenessBudgetMs: 0,
  impact,
  explain(strategy, verdict, checks) {
    const stale = figure(checks, 'staleReads');
    if (verdict === 'consistent') {
      const why: Record<string, string> = {
        'durable-bus':
          "During the cut app 1's stream reader was down, so its L1 did not serve: the read went to the database. Once the link was " +
          'back the reader read on from the last id it had handled, found the invalidation and dropped the copy. Cost: reads go to the ' +
          'database while the bus is down, and one stream entry per write.',
        'versioned-l1':
          "App 1 checked its L1 copy's version against Redis on each read; during the cut it could not, so the database answered; " +
          'afterwards the version in Redis was newer than the copy. Cost: a Redis round trip per read (the L1 saves the value, ' +
          'not the trip), and a write that cannot set the version leaves the old one valid.',
      };
      return `${why[strategy] ?? 'No read through either app returned the old price.'} No customer saw an old price.`;
    }
    const seen = `app 1 showed ${INITIAL_PRICE} ${stale} time(s) after ${NEW_PRICE} was confirmed, ${lasted(checks)}.`;
    const remedy = "Remedy: check each L1 hit against a version in Redis, or a durable bus (a stream read on from the last id) with L1 serving only while its reader is up.";
    switch (strategy) {
      case 'naive-bus':
        return `The invalidation was published while app 1's link was cut; pub/sub does not keep messages for a subscriber that is away, so ${seen} ${remedy}`;
      case 'l1-short-ttl':
        return `The invalidation was lost as with the naive bus, and ${seen} The ${L1_TTL_MS} ms TTL bounds how long an L1 copy outlives a lost invalidation (counted from the fill); it does not prevent the stale reads, and a shorter TTL costs more Redis reads. ${remedy}`;
      default:
        return `A read through app 1 returned an older price than the database held: ${seen}`;
    }
  },
};

/** App 1 reads until it shows the new price, or OBSERVE_MS after the heal: ids b1, b2, ... */
async function watchApp1(ctx: WorkloadContext): Promise<void> {
  const until = performance.now() + OBSERVE_MS;
  for (let n = 1; ; n++) {
    const answer = await ctx.invoke('customer-b', `b${n}`, { kind: 'read', key: PRICE }, { app: 1 });
    const left = until - performance.now();
    if (answer.value === NEW_PRICE || left <= 0) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(READ_EVERY_MS, left)));
  }
}

/** How long app 1 kept the old price, from the latest stale read. */
function lasted(checks: CheckResult[]): string {
  const age = figure(checks, 'maxStaleReadAgeMs');
  if (age >= OBSERVE_MS) return `still ${Math.round(age)} ms after the write, when the lab stopped looking: no end until the next write to the price or a restart`;
  return `the last time ${Math.round(age)} ms after the write`;
}

function impact(checks: CheckResult[]): string[] {
  const stale = figure(checks, 'staleReads');
  if (stale === 0) return [];
  return [`${stale} read(s) through app 1 showed the old price after the new one was confirmed; ${lasted(checks)}`];
}
