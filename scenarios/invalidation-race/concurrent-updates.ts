import { registerChecker } from '../../src/checkers/register.js';
import type { Scenario } from '../../src/runner/scenario.js';
import { figure, impact, INITIAL_PRICE, keepReading, PRICE, priceCache, priceTable, staleness } from './common.js';

/**
 * Two price updates race. w1 commits 150 and pauses (fault point after-db-commit) until w2 has
 * committed 200 and updated the cache; then w1 updates the cache with its 150. The database says
 * 200. Readers then read the price for 300 ms.
 */
export const concurrentUpdates: Scenario = {
  name: 'invalidation-race/concurrent-updates',
  summary: 'two price updates race: w1 commits 150, w2 commits 200, w2 updates the cache, then w1 does',
  explanation:
    `The price is ${INITIAL_PRICE} and cached. Writer w1 sets it to 150 and commits; before it touches the cache ` +
    '(fault point after-db-commit) it is held until writer w2 has set 200, committed and updated the cache. Then w1 ' +
    'updates the cache. The database holds 200, the last commit. A strategy that writes values into the cache now ' +
    'holds 150; one that deletes does not care about the order. Two readers then read the price for 300 ms.',
  setup: { records: { [PRICE]: INITIAL_PRICE }, cached: [PRICE] },
  strategies: {
    'write-through': { expect: 'inconsistent', why: 'the late SET of 150 overwrites 200 in the cache, with no TTL to end it' },
    'delete-on-write': { expect: 'consistent', why: 'both writers delete; the next reader fills 200 from the database' },
    versioned: { expect: 'consistent', why: "w1's SET carries an older version than the cached 200, and the Lua compare-and-set refuses it" },
    leases: { expect: 'consistent', why: 'writers only delete (voiding leases); the order of deletes does not matter' },
    'delayed-double-delete': { expect: 'consistent', why: 'both writers delete, twice; the next reader fills 200' },
  },
  faults: [{ op: 'w1', point: 'after-db-commit', inject: [{ kind: 'hold-until', op: 'w2', point: 'done' }] }],
  async workload(ctx) {
    const w1 = ctx.invoke('writer-1', 'w1', { kind: 'write', key: PRICE, value: 150 });
    await ctx.reached('w1', 'after-db-commit');
    await ctx.invoke('writer-2', 'w2', { kind: 'write', key: PRICE, value: 200 });
    await w1;
    await keepReading(ctx);
  },
  contract: {
    tables: [priceTable],
    cache: priceCache,
    operations: { write: 'set the price to `value` (the database is the record)', read: 'the price, as customers see it' },
    points: { 'after-db-commit': 'in write, right after the new price commits, before the cache is touched' },
    workloadFaults: [],
  },
  checkers: [registerChecker],
  // Not used: the register checker calls any stale entry after the quiet period inconsistent.
  stalenessBudgetMs: 0,
  impact,
  explain(strategy, verdict, checks) {
    const stale = figure(checks, 'staleReads') > 0 || figure(checks, 'finalStale') > 0;
    if (!stale) {
      const why: Record<string, string> = {
        'delete-on-write': 'Both writers deleted the entry instead of writing a value, so the order in which they reached the cache did not matter: the next reader filled 200 from the database.',
        versioned: "w2 cached 200 with its row version; w1's late SET carried the older version of 150, and the compare-and-set script refused it.",
        leases: 'Writers only delete (and void outstanding leases), so the order of the two deletes did not matter: the next reader took a lease and filled 200.',
        'delayed-double-delete': 'Both writers deleted the entry (twice each), so their order did not matter: the next reader filled 200.',
        'write-through': "w1's late SET did not reach the cache this time, so the cache was not overwritten with 150.",
      };
      return `${why[strategy] ?? 'The cache never showed an older price than the database.'} The cache was never stale.`;
    }
    if (strategy === 'write-through') {
      return 'w1 committed 150 before w2 committed 200, but w1 updated the cache last: the cache holds 150 while the database ' +
        `holds 200, and every reader after w2 was confirmed saw the old price: ${staleness(checks)}. Writing values into the ` +
        'cache makes the cache order, not the commit order, decide. Remedy: delete instead of set (delete-on-write), or ' +
        'carry the row version and keep only the newest (versioned).';
    }
    return `The cache showed an older price than the database, ${staleness(checks)}: see the findings.`;
  },
};
