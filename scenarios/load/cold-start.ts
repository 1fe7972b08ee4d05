import type { Scenario } from '../../src/runner/scenario.js';
import { BUCKET_MS, budget, CONCURRENCY, DB_LATENCY_MS, impact, itemRecords, hotKeys, loadContract, measured, PREFIX, THINK_MS } from './common.js';

const HOT = 600;
const COLD = 4000;

/** Steady load with a 90% hit rate; then redis-server is SIGKILLed and started again, empty. */
export const coldStart: Scenario = {
  name: 'cold-start',
  suite: 'load',
  summary: 'redis-server restarts empty under load: the miss storm hits the database, unless the hot keys are warmed first',
  explanation:
    `${CONCURRENCY} clients read items (90% of them among ${HOT} hot keys, cached, and each read once before the clock starts). A query costs the database ` +
    `${DB_LATENCY_MS} ms. After 3 s of steady load redis-server is SIGKILLed and started again without its data. Every hot key ` +
    'now misses at once: with plain cache-aside each miss queries the database, which is asked for far more than it can ' +
    'serve until the hot set is filled again. Warming loads the hot set in one query when the cache comes back empty, ' +
    'and the misses meanwhile wait for it.',
  setup: { records: itemRecords(HOT + COLD), cached: hotKeys(HOT), redisPersistence: 'none' },
  needs: ['kill-redis', 'redis-persistence'],
  strategies: {
    'cache-aside': { expect: 'inconsistent', why: 'after the restart every hot key misses and queries the database: the miss storm' },
    warming: { expect: 'consistent', why: 'the first miss finds the warm mark gone and reloads the hot set in one query; the other misses wait for it' },
  },
  faults: [],
  contract: loadContract(['redis-server is SIGKILLed under load and started again, empty']),
  budget: () => budget(),
  async workload(ctx) {
    const load = ctx.startLoad({
      concurrency: CONCURRENCY,
      thinkMs: THINK_MS,
      durationMs: 6_000,
      bucketMs: BUCKET_MS,
      dbLatencyMs: DB_LATENCY_MS,
      keys: { kind: 'hot-cold', prefix: PREFIX, hotKeys: HOT, coldKeys: COLD, hitRate: 0.9 }, warmHotKeys: true,
    });
    await load.at(3_000);
    await ctx.inject({ kind: 'kill-redis' });
    await ctx.startRedis();
    await load.done;
  },
  checkers: [],
  stalenessBudgetMs: 0,
  impact,
  explain(strategy, verdict, checks) {
    const figures = measured(verdict, checks);
    if (strategy === 'warming') {
      return verdict === 'consistent'
        ? `${figures} The first miss after the restart found the warm mark gone: the hot keys this app had served were read in ` +
            'one query and written in one MULTI, and the misses meanwhile waited for it instead of querying.'
        : `${figures} Warming did not keep the load within budget here: see the timeline for where.`;
    }
    return verdict === 'inconsistent'
      ? `${figures} The restarted Redis was empty, so every hot key missed at once and each miss queried the database until ` +
          'the hot set was filled again. Remedy: warm the hot keys before taking traffic, or make misses wait while one warms (warming).'
      : `${figures} The restart did not hurt this time.`;
  },
};
