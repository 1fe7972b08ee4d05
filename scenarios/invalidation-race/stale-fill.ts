import { registerChecker } from '../../src/checkers/register.js';
import type { Scenario } from '../../src/runner/scenario.js';
import { SECOND_DELETE_DELAY_MS } from '../../src/strategies/delayed-double-delete.js';
import { figure, impact, INITIAL_PRICE, keepReading, PRICE, priceCache, priceTable, staleness } from './common.js';

/**
 * The stale fill. Reader r0 misses the cache and reads 100 from the database; before it fills the
 * cache (fault point after-fill-read) it is held until writer w1 has committed 150 and invalidated
 * the cache (w1 completed). Then r0 fills the cache with the 100 it read. Readers then read the
 * price for 300 ms.
 */
export const staleFill: Scenario = {
  name: 'invalidation-race/stale-fill',
  summary: 'a reader misses and reads 100, a writer commits 150 and invalidates, the reader then fills 100',
  explanation:
    `The price is ${INITIAL_PRICE}, not cached. Reader r0 misses and reads ${INITIAL_PRICE} from the database; before it ` +
    'fills the cache (fault point after-fill-read) it is held until writer w1 has set 150, committed and invalidated ' +
    `(or updated) the cache. Then r0 fills the cache with the ${INITIAL_PRICE} it read before the commit. Only a fill ` +
    'that can tell it is older than the write is safe. Two readers then read the price for 300 ms.',
  setup: { records: { [PRICE]: INITIAL_PRICE }, cached: [] },
  strategies: {
    'write-through': { expect: 'inconsistent', why: "r0's fill of 100 overwrites w1's 150 in the cache, with no TTL to end it" },
    'delete-on-write': { expect: 'inconsistent', why: "r0's fill of 100 lands after w1's delete: stale until the 30 s TTL ends it" },
    versioned: { expect: 'consistent', why: "r0's fill carries the version it read, older than w1's; the compare-and-set refuses it" },
    leases: { expect: 'consistent', why: "w1's delete voided r0's lease token, so its fill is refused" },
    'delayed-double-delete': {
      expect: 'inconsistent',
      why: `r0's fill is slower than the ${SECOND_DELETE_DELAY_MS} ms delay: it lands after both deletes, stale until the TTL`,
    },
  },
  faults: [{ op: 'r0', point: 'after-fill-read', inject: [{ kind: 'hold-until', op: 'w1', point: 'done' }] }],
  async workload(ctx) {
    const r0 = ctx.invoke('reader-0', 'r0', { kind: 'read', key: PRICE });
    await ctx.reached('r0', 'after-fill-read');
    await ctx.invoke('writer', 'w1', { kind: 'write', key: PRICE, value: 150 });
    await r0;
    await keepReading(ctx);
  },
  contract: {
    tables: [priceTable],
    cache: priceCache,
    operations: { write: 'set the price to `value` (the database is the record)', read: 'the price, as customers see it' },
    points: { 'after-fill-read': 'in read, after a cache miss has read the row from the database, before the cache is filled' },
    workloadFaults: [],
  },
  checkers: [registerChecker],
  // Not used: the register checker calls any stale entry after the quiet period inconsistent.
  stalenessBudgetMs: 0,
  impact,
  explain(strategy, verdict, checks) {
    const stale = figure(checks, 'staleReads') > 0 || figure(checks, 'finalStale') > 0;
    const window = staleness(checks);
    if (!stale) {
      const why: Record<string, string> = {
        versioned: "r0's fill carried version 0 of the row; w1 had cached 150 with version 1, so the compare-and-set script refused the older fill.",
        leases: "r0 took a lease when it missed; w1's delete after its commit removed the lease, so r0's fill presented a voided token and was refused. The next reader took a new lease and filled 150.",
        'delayed-double-delete': `r0's fill landed within the ${SECOND_DELETE_DELAY_MS} ms delay and the second delete removed it.`,
      };
      return `${why[strategy] ?? 'The old value never reached the cache.'} The cache was never stale.`;
    }
    const filled = `r0 read ${INITIAL_PRICE} before w1 committed 150 and filled the cache after w1 had`;
    const remedy = 'Remedy: a fill that can tell it is older than the write: versioned cache writes, or leases.';
    switch (strategy) {
      case 'write-through':
        return `${filled} set 150: the cache holds the old price, ${window}. ${remedy}`;
      case 'delete-on-write':
        return `${filled} deleted the entry: the delete came too early to remove it, and the old price stays, ${window}. The TTL bounds the damage; it does not prevent it. ${remedy}`;
      case 'delayed-double-delete':
        return `${filled} deleted the entry twice, ${SECOND_DELETE_DELAY_MS} ms apart: the fill was slower than the delay, so both deletes ` +
          `came before it and the old price stays, ${window}. A delay only catches fills faster than itself, and no delay ` +
          `bounds a paused reader. ${remedy}`;
      default:
        return `The cache showed an older price than the database, ${window}: see the findings.`;
    }
  },
};
