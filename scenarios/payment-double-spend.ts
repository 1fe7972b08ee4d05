import { bankChecker } from '../src/checkers/bank.js';
import { figureOf, type CheckResult, type Verdict } from '../src/checkers/checker.js';
import { stalenessChecker } from '../src/checkers/staleness.js';
import type { Scenario } from '../src/runner/scenario.js';

const account = 'account:alice';
const figure = figureOf;

/**
 * Alice has 5000 yen, cached. Payment p1 (1000 yen) commits in PostgreSQL, and then the Redis link
 * is reset before the cache hears of it. Payment p2 asks for 5000 yen: a strategy that authorizes
 * from the cache sees 5000 and lets it through, so Alice spends 6000 yen of 5000.
 */
export const paymentDoubleSpend: Scenario = {
  name: 'payment-double-spend',
  summary: 'a debit commits in the database, its cache update is lost, the stale balance is spent again',
  explanation:
    'Alice has 5000 yen and the balance is cached. Payment p1 of 1000 yen commits in PostgreSQL; right ' +
    'after the commit (fault point after-db-commit) the Redis link is reset, so the cache never learns of ' +
    'it. Payment p2 then asks for all 5000 yen. Whoever authorizes from the cached balance lets it through: ' +
    '6000 yen leave an account that held 5000. Then Alice checks her balance (r1).',
  setup: { records: { [account]: 5000 }, cached: [account] },
  strategies: {
    'write-through': {
      expect: 'inconsistent',
      why: 'authorizes p2 from the stale cached balance and reports p1 failed although it was charged',
    },
    'two-phase-commit': {
      expect: 'inconsistent',
      why: 'the database commits, the cache participant never hears the decision: the cache stays stale with no TTL',
    },
    saga: {
      expect: 'consistent',
      why: 'the failed cache step is compensated: p1 is refunded and reported failed, which is then true',
    },
    'delete-on-write': {
      expect: 'consistent',
      why: 'the database authorizes with a conditional debit; the stale cache entry is display-only and expires',
    },
    'event-sourcing': {
      expect: 'consistent',
      why: 'p2 is decided on the log; the lost cache projection lags until the next operation catches it up',
    },
  },
  faults: [
    {
      op: 'p1',
      point: 'after-db-commit',
      inject: [
        // The cache write that follows the commit is swallowed and the link reset.
        { kind: 'toxic', link: 'redis', toxic: { type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } } },
      ],
    },
  ],
  async workload(ctx) {
    await ctx.invoke('alice', 'p1', { kind: 'debit', key: account, amount: 1000 });
    await ctx.invoke('alice', 'p2', { kind: 'debit', key: account, amount: 5000 });
    await ctx.invoke('alice', 'r1', { kind: 'read', key: account });
  },
  contract: {
    tables: [
      {
        name: 'records',
        columns: ['key', 'value'],
        rule: `the balance in yen: one row, key ${account}, 5000 at the start. The bank checker: 5000 - the applied ledger amounts = the final value, never below 0`,
      },
      {
        name: 'ledger',
        columns: ['op_id', 'key', 'amount', 'status'],
        rule:
          'each debit that takes money inserts one row (op_id = op.id, key, amount) in the same transaction as the balance change; ' +
          "status defaults to 'applied' (set it to 'compensated' when you give the money back). An ok debit must have its row, a " +
          'failed one must not, an unknown one may; no op_id twice',
      },
    ],
    cache:
      `${account} in the cache holds the balance as a decimal string; after the run it must equal records.value, or carry a TTL ` +
      'of at most 60 s (stale without a TTL is inconsistent). Keep any other key under _meta: (never compared)',
    operations: {
      debit: "take `amount` if the balance covers it and answer the new balance; refuse with { outcome: 'fail', error } if it does not",
      read: 'the balance, as the application shows it',
    },
    points: { 'after-db-commit': 'in debit, right after the transaction that took the money commits, before the cache is touched' },
    workloadFaults: [],
  },
  checkers: [bankChecker, stalenessChecker],
  stalenessBudgetMs: 60_000,
  impact(checks) {
    const lines: string[] = [];
    const spentTwice = figure(checks, 'bank', 'spentTwice');
    if (spentTwice > 0) {
      lines.push(`${spentTwice} yen spent twice: ${figure(checks, 'bank', 'applied')} yen of payments left an account that held ${figure(checks, 'bank', 'initial')}`);
    }
    const failedButApplied = figure(checks, 'bank', 'failedButApplied');
    if (failedButApplied > 0) lines.push(`${failedButApplied} payment(s) reported failed to the customer were charged`);
    if (figure(checks, 'cache-vs-db', 'maxStaleMs') === -1) {
      lines.push('the balance shown to the customer is wrong until the next successful write (no TTL)');
    }
    return lines;
  },
  explain(strategy, verdict, checks) {
    const spentTwice = figure(checks, 'bank', 'spentTwice');
    const staleKeys = figure(checks, 'cache-vs-db', 'staleKeys');
    const noTtl = figure(checks, 'cache-vs-db', 'maxStaleMs') === -1;
    switch (strategy) {
      case 'write-through':
        if (spentTwice > 0) {
          return 'The new balance was computed from the cached value and the cache SET after the commit was lost, so ' +
            'p2 was authorized against money that no longer existed and overwrote the database balance. ' +
            'Remedy: let the database authorize (a conditional debit) and delete the cache entry after the commit (delete-on-write).';
        }
        return staleKeys > 0
          ? 'The cache SET after the commit was lost and the cache kept the old balance, but no later payment was authorized from it this time.'
          : 'The cache SET after the commit reached Redis (resent after the reset, or never cut), so p2 was authorized from the right balance. ' +
            'Write-through holds only while every cache write lands: with a lost one, payments are authorized from a stale balance.';
      case 'two-phase-commit':
        if (staleKeys > 0) {
          return 'Redis cannot hold a prepared state across a lost link and nothing replays the intent, so after the ' +
            `database committed the cache kept the old balance${noTtl ? ', with no TTL to end it' : ''}. ` +
            (spentTwice > 0 ? '' : 'No money was lost here only because the database row lock authorized p2; ') +
            'every reader of the cache sees the wrong balance. Remedy: delete-on-write with a TTL, or a transactional outbox that retries the cache update.';
        }
        return 'The cache commit reached Redis after the reset (the client resent the MULTI), so both stores agree. ' +
          'The in-doubt window is still there: if the resend is lost too, or the app dies between the two commits, nothing replays the intent.';
      case 'saga':
        return verdict === 'consistent'
          ? 'The cache step failed, so the compensation refunded p1 and the customer was told it failed: the stores ' +
            'agree again. The window remains: a crash between the debit and its compensation leaves a charge nobody reported.'
          : 'The compensation did not restore agreement between the stores: see the findings.';
      case 'delete-on-write':
        return verdict === 'consistent'
          ? 'The database decided every payment with a conditional debit' +
            (staleKeys > 0 ? '. The lost invalidation left the old balance in the cache for display only, and its TTL bounds how long it is shown.' : ', and the invalidation went through.')
          : 'The remedy did not hold: see the findings.';
      case 'event-sourcing':
        return verdict === 'consistent'
          ? 'p1 was committed to the log (the ledger) and acknowledged; its projection to the cache was lost with the ' +
            'Redis link, so the cache lagged one event behind the log until p2 let the projector catch up. p2 was decided ' +
            'on the log (4000 < 5000: declined), never on the lagging projection, and the read side healed by itself. ' +
            'How long the cache lagged behind the log is kept as bookkeeping (_meta:es-lag-ms).'
          : 'The log and its projections disagree: see the findings.';
      default:
        return explainOwn(verdict, checks);
    }
  },
};

/** For a strategy the lab does not know (a user's module): what the figures say, and the remedy. */
function explainOwn(verdict: Verdict, checks: CheckResult[]): string {
  const stale = figure(checks, 'cache-vs-db', 'staleKeys') > 0;
  if (verdict === 'consistent') {
    return 'Every payment the database applied is in the ledger once, the balance adds up and no money was spent twice' +
      (stale ? '; the stale balance left in the cache is bounded by its TTL.' : '.');
  }
  const found = [
    [figure(checks, 'bank', 'spentTwice'), (n: number) => `${n} yen were spent twice: a payment was authorized against money an earlier one had taken (a stale cached balance?)`],
    [figure(checks, 'bank', 'failedButApplied'), (n: number) => `${n} payment(s) reported failed were charged`],
    [figure(checks, 'bank', 'okButMissing'), (n: number) => `${n} payment(s) reported ok are not in the ledger`],
    [figure(checks, 'bank', 'duplicates'), (n: number) => `${n} payment(s) were applied twice`],
    [figure(checks, 'cache-vs-db', 'maxStaleMs') === -1 ? 1 : 0, () => 'the cache kept a stale balance with no TTL to end it'],
  ] as const;
  const what = found.filter(([n]) => n > 0).map(([n, say]) => say(n));
  return `${what.length > 0 ? `${what.join('; ')}.` : 'The checkers found the invariants broken: see the findings.'} ` +
    'Remedy: let the database authorize with a conditional debit in the same transaction as the ledger row, and delete the ' +
    'cached balance after the commit, with a TTL that ends a lost delete (examples/conditional-debit.mjs).';
}
