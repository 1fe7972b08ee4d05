import type { Scenario } from '../../src/runner/scenario.js';
import { BUCKET_MS, budget, CONCURRENCY, DB_LATENCY_MS, impact, itemRecords, hotKeys, loadContract, measured, PREFIX, THINK_MS } from './common.js';

const HOT = 200;
const COLD = 4000;
/** A request answered later than this is an error: its caller has given up. */
const DEADLINE_MS = 500;
/** The slow link: every Redis reply this late, past the deadline. */
const SLOW_MS = 600;

/**
 * Steady load with a 90% hit rate; then Redis becomes unreachable (link down) for a second, comes
 * back, and its link turns slow (600 ms a reply) for a second; then all is well again.
 */
export const cacheOutage: Scenario = {
  name: 'cache-outage',
  suite: 'load',
  summary: 'Redis unreachable, then slow, under steady load: reads swamp the database or wait past their deadline, unless a circuit breaker skips the cache',
  explanation:
    `${CONCURRENCY} clients read items (90% of them among ${HOT} hot keys, cached) and give up on a request after ${DEADLINE_MS} ms. ` +
    `A query costs the database ${DB_LATENCY_MS} ms. After 3 s of steady load the Redis link goes down for a second, then ` +
    `answers ${SLOW_MS} ms late for a second. Without protection every read pays the cache's failure: with the link down ` +
    'each cache call fails and the read falls back to the database, which gets every read and makes them queue for its ' +
    'connections; with the slow link each read waits for the reply, past its deadline. A circuit breaker stops calling the ' +
    'cache after a few failures, answers the last value it served (else the database), and probes until the cache is back.',
  setup: { records: itemRecords(HOT + COLD), cached: hotKeys(HOT) },
  strategies: {
    'cache-aside': {
      expect: 'inconsistent',
      why: 'with the link down every read falls back to the database (which cannot serve them all); with the slow link every read waits past its deadline',
    },
    'circuit-breaker': {
      expect: 'consistent',
      why: 'after a few failures the breaker opens: reads skip the cache (last value served, else the database) until a probe finds it back',
    },
  },
  faults: [],
  contract: loadContract([`the Redis link goes down for 1 s, then answers ${SLOW_MS} ms late for 1 s, under load`]),
  budget: () => budget(),
  async workload(ctx) {
    const load = ctx.startLoad({
      concurrency: CONCURRENCY,
      thinkMs: THINK_MS,
      durationMs: 6_500,
      bucketMs: BUCKET_MS,
      deadlineMs: DEADLINE_MS,
      dbLatencyMs: DB_LATENCY_MS,
      keys: { kind: 'hot-cold', prefix: PREFIX, hotKeys: HOT, coldKeys: COLD, hitRate: 0.9 }, warmHotKeys: true,
    });
    await load.at(3_000);
    await ctx.inject({ kind: 'link-down', link: 'redis' });
    await load.at(4_000);
    await ctx.heal();
    await ctx.inject({ kind: 'toxic', link: 'redis', toxic: { type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: SLOW_MS, jitter: 0 } } });
    await load.at(5_000);
    await ctx.heal();
    await load.done;
  },
  checkers: [],
  stalenessBudgetMs: 0,
  impact,
  explain(strategy, verdict, checks) {
    const figures = measured(verdict, checks);
    if (strategy === 'circuit-breaker') {
      return verdict === 'consistent'
        ? `${figures} The breaker opened after a few failed calls (with the link down) or calls without an answer within 100 ms (the slow link); while it was open, reads answered the last value served ` +
            '(hot keys) or the database (the rest, as before), so the database kept its steady load, and a probe closed the breaker once the cache answered again.'
        : `${figures} The breaker did not keep the load within budget here: see the timeline for where.`;
    }
    return verdict === 'inconsistent'
      ? `${figures} With the link down every cache call failed and every read went to the database, more than its ` +
          'connections could serve; with the slow link every read waited for the reply, past its deadline. Remedy: a circuit ' +
          'breaker in front of the cache, with a fallback that does not send every read to the database (circuit-breaker).'
      : `${figures} The outage did not hurt this time.`;
  },
};
