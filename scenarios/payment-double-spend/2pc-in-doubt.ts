import { figureOf as figure } from '../../src/checkers/checker.js';
import type { Scenario } from '../../src/runner/scenario.js';
import { paymentWindow, windowContract } from './common.js';

/**
 * The two-phase commit's in-doubt window: the coordinator (the app process) is SIGKILLed after
 * the database participant committed and before the cache participant heard the decision. The
 * prepared intent stays in Redis, and nothing ever resolves it.
 */
export const twoPhaseInDoubt: Scenario = {
  name: 'payment-double-spend/2pc-in-doubt',
  summary: 'the coordinator dies after the database commit: the cache participant stays in doubt for good',
  explanation:
    'Alice has 5000 yen, cached. Payment p1 of 1000 yen prepares in both stores and commits in PostgreSQL; ' +
    'right after that commit (fault point after-db-commit) the app process, which coordinates the commit, ' +
    'is SIGKILLed. Redis holds the prepared intent and the old balance, and no recovery process reads the ' +
    'intents back. A new app serves p2 (all 5000 yen) and a balance check.',
  ...paymentWindow,
  contract: windowContract({ 'after-db-commit': "right after the debit's database transaction commits, before the cache is told" }),
  strategies: {
    'two-phase-commit': {
      expect: 'inconsistent',
      why: 'in doubt for good: the intent and the old balance stay in Redis with no TTL, and nobody resolves them',
    },
    'delete-on-write': {
      expect: 'consistent',
      why: 'the database is the only participant that decides; the lost invalidation leaves a display value its TTL ends',
    },
  },
  faults: [{ op: 'p1', point: 'after-db-commit', inject: [{ kind: 'kill-app' }] }],
  impact(checks) {
    const lines: string[] = [];
    if (figure(checks, 'bank', 'spentTwice') > 0) lines.push(`${figure(checks, 'bank', 'spentTwice')} yen spent twice`);
    if (figure(checks, 'cache-vs-db', 'maxStaleMs') === -1) {
      lines.push('the balance shown to the customer is wrong for good: the in-doubt cache entry has no TTL and no recovery resolves it');
    }
    return lines;
  },
  explain(strategy, verdict, checks) {
    if (strategy === 'two-phase-commit') {
      return figure(checks, 'cache-vs-db', 'staleKeys') > 0
        ? 'The coordinator died in the in-doubt window: the database had committed, the cache participant had only ' +
            'its prepared intent (listed as bookkeeping) and the old balance. A real two-phase commit keeps a coordinator ' +
            'log and a recovery that re-sends the decision; here nothing does, so the cache is wrong until the next ' +
            'successful write. p2 was declined only because the database row lock decided. Remedy: delete-on-write with a ' +
            'TTL, or a transactional outbox whose relay finishes the cache update after a crash.'
        : 'The cache agreed with the database after the crash: the cache commit must have landed before the kill.';
    }
    return verdict === 'consistent'
      ? 'The crash lost the invalidation after the commit; the database still decided p2 (declined), and the stale display value is bounded by its TTL.'
      : 'The remedy did not hold: see the findings.';
  },
};
