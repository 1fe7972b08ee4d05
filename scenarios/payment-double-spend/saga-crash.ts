import { figureOf as figure } from '../../src/checkers/checker.js';
import type { Scenario } from '../../src/runner/scenario.js';
import { paymentWindow, windowContract } from './common.js';

/**
 * The saga's own window. Payment p1 debits the database; its cache step fails (Redis link reset
 * at after-db-commit); and the app process is SIGKILLed at before-compensate, after the step
 * failed and before the refund. The debit stands, the customer never heard back, the cache still
 * says 5000, and the restarted app authorizes p2 from it.
 */
export const sagaCrash: Scenario = {
  name: 'payment-double-spend/saga-crash',
  summary: "the app dies between the saga's failed step and its compensation: the debit stands unreported",
  explanation:
    'Alice has 5000 yen, cached. Payment p1 of 1000 yen commits in PostgreSQL; its cache step is lost ' +
    '(the Redis link is reset at after-db-commit), so the saga must refund it. Before the refund runs ' +
    '(fault point before-compensate) the app process is SIGKILLed. A new app starts with empty memory: ' +
    'nothing remembers that p1 needs compensating. Payment p2 then asks for all 5000 yen.',
  ...paymentWindow,
  contract: windowContract({
    'after-db-commit': "right after the debit's database transaction commits, before the cache is told",
    'before-compensate': 'after a later step failed, before the compensation that undoes the debit runs',
  }),
  strategies: {
    saga: {
      expect: 'inconsistent',
      why: 'the compensation lives only in the dead process: p1 stays charged and p2 is authorized from the stale cache',
    },
    'delete-on-write': {
      expect: 'consistent',
      why: 'no compensation to lose: the database decided each payment with a conditional debit',
    },
  },
  faults: [
    {
      op: 'p1',
      point: 'after-db-commit',
      inject: [{ kind: 'toxic', link: 'redis', toxic: { type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } } }],
    },
    // Only the saga has a compensation step to die before.
    { op: 'p1', point: 'before-compensate', inject: [{ kind: 'kill-app' }], strategies: ['saga'] },
  ],
  impact(checks) {
    const lines: string[] = [];
    const spentTwice = figure(checks, 'bank', 'spentTwice');
    if (spentTwice > 0) lines.push(`${spentTwice} yen spent twice after the crash: the uncompensated debit was never undone`);
    if (figure(checks, 'cache-vs-db', 'maxStaleMs') === -1) lines.push('the balance shown to the customer is wrong until the next successful write (no TTL)');
    return lines;
  },
  explain(strategy, verdict, checks) {
    if (strategy === 'saga') {
      return figure(checks, 'bank', 'spentTwice') > 0
        ? 'The saga kept its compensation in memory: when the app died between the failed cache step and the refund, ' +
            'nothing was left to run it. p1 stayed charged with no answer to the customer, the cache kept 5000, and p2 ' +
            'was authorized from it. Remedy: persist the saga log (or an outbox row) in the same transaction as the debit ' +
            'and let a recovery process finish or compensate it; better, let the database authorize (delete-on-write).'
        : 'The crash left p1 uncompensated, but no later payment was authorized from the stale balance this time.';
    }
    return verdict === 'consistent'
      ? 'The database authorized every payment with a conditional debit, so the crash cost nothing but a stale display value bounded by its TTL.'
      : 'The remedy did not hold: see the findings.';
  },
};
