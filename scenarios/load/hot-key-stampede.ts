import type { Scenario } from '../../src/runner/scenario.js';
import { budget, CONCURRENCY, DB_LATENCY_MS, impact, loadContract, measured, THINK_MS } from './common.js';

const HOT_KEY = 'item:hot';
const APPS = 2;
/** When the hot key expires, ms of the load's clock. */
const EXPIRIES = [1_250, 2_000, 2_750];

/** Every request of two app processes reads one key; it expires three times under load. */
export const hotKeyStampede: Scenario = {
  name: 'hot-key-stampede',
  suite: 'load',
  apps: APPS,
  summary: 'one key every request reads expires under load: every request misses and queries at once, unless one fill is shared',
  explanation:
    `${APPS} app processes, ${CONCURRENCY} clients each, all read ${HOT_KEY}. A query costs the database ${DB_LATENCY_MS} ms. ` +
    `The key expires ${EXPIRIES.length} times during the load. Until the first fill lands, every request misses: with plain ` +
    'cache-aside each queries the database (a stampede), and so does every reader that leases turn away. Single-flight ' +
    'shares one fill per key per process (one query per app per expiry); leases whose losers wait for the holder\'s fill ' +
    'make it one query per expiry across every app.',
  setup: { records: { [HOT_KEY]: 42 }, cached: [HOT_KEY] },
  strategies: {
    'cache-aside': { expect: 'inconsistent', why: 'every request that misses before the first fill lands queries the database' },
    leases: { expect: 'inconsistent', why: 'one reader gets the lease, but the others query the database anyway (they only do not fill)' },
    'single-flight': { expect: 'consistent', why: 'the misses of one process share one query and fill: one query per app per expiry' },
    'leases-wait': { expect: 'consistent', why: 'one reader across every app holds the lease and queries; the others wait for its fill' },
  },
  faults: [],
  contract: loadContract([`${HOT_KEY} expires (deleted by the lab) ${EXPIRIES.length} times under load`]),
  budget: (strategy, apps) => budget(strategy.startsWith('leases') ? 1 : apps),
  async workload(ctx) {
    const load = ctx.startLoad({
      concurrency: CONCURRENCY,
      thinkMs: THINK_MS,
      durationMs: 3_500,
      // Quarter seconds: one expiry per bucket.
      bucketMs: 250,
      dbLatencyMs: DB_LATENCY_MS,
      keys: { kind: 'fixed', key: HOT_KEY },
    });
    for (const at of EXPIRIES) {
      await load.at(at);
      await ctx.expire(HOT_KEY);
    }
    await load.done;
  },
  checkers: [],
  stalenessBudgetMs: 0,
  impact,
  explain(strategy, verdict, checks) {
    const figures = measured(verdict, checks);
    switch (strategy) {
      case 'single-flight':
        return `${figures} In each app the first miss read the database and filled; the misses that came meanwhile waited for its answer.`;
      case 'leases-wait':
        return `${figures} One reader across both apps got the lease and filled; the others looked at the cache every few ms until the fill landed.`;
      case 'leases':
        return verdict === 'inconsistent'
          ? `${figures} The lease kept the fills safe but not the database: every reader without it queried anyway. Remedy: wait for the holder's fill (leases-wait).`
          : `${figures}`;
      default:
        return verdict === 'inconsistent'
          ? `${figures} Every request that missed before the first fill landed queried the database. Remedy: single-flight per process, or leases across processes whose losers wait (leases-wait).`
          : `${figures}`;
    }
  },
};
